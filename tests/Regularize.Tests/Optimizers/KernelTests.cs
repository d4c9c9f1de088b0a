using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Optimizers.Kernels;
using Regularize.Regularization;
using Regularize.Tensors;
using Regularize.Tensors.Kernels;

namespace Regularize.Tests.Optimizers;

/// <summary>
/// The SIMD update kernels against the scalar reference, bit for bit, for every optimizer and option
/// combination on lengths 0..67 and large odd lengths (which also cross the chunk size, so the parallel
/// split is exercised). CI reruns this category with AVX-512, AVX2 and all hardware intrinsics disabled.
/// </summary>
[Category("Kernels")]
public class KernelTests
{
    public static IEnumerable<RefConfig> Configs()
    {
        foreach (var l1 in new[] { (0.0, L1Mode.Proximal), (0.01, L1Mode.Proximal), (0.01, L1Mode.Subgradient) })
        {
            foreach (var opt in new[] { "Sgd", "SgdW" })
            {
                yield return new RefConfig { Optimizer = opt, LearningRate = 0.1, L1 = l1.Item1, L1Mode = l1.Item2 };
                yield return new RefConfig { Optimizer = opt, LearningRate = 0.1, WeightDecay = 0.05, L1 = l1.Item1, L1Mode = l1.Item2 };
                yield return new RefConfig { Optimizer = opt, LearningRate = 0.1, Momentum = 0.9, Dampening = 0.2, WeightDecay = 0.05, Maximize = true, L1 = l1.Item1, L1Mode = l1.Item2 };
                yield return new RefConfig { Optimizer = opt, LearningRate = 0.05, Momentum = 0.9, Nesterov = true, WeightDecay = 0.05, L1 = l1.Item1, L1Mode = l1.Item2 };
            }
            foreach (var opt in new[] { "Adam", "AdamW" })
            {
                yield return new RefConfig { Optimizer = opt, LearningRate = 1e-2, L1 = l1.Item1, L1Mode = l1.Item2 };
                yield return new RefConfig { Optimizer = opt, LearningRate = 1e-2, WeightDecay = 0.1, L1 = l1.Item1, L1Mode = l1.Item2 };
                yield return new RefConfig { Optimizer = opt, LearningRate = 1e-2, WeightDecay = 0.1, AmsGrad = true, Maximize = true, Beta1 = 0.8, Beta2 = 0.99, Epsilon = 1e-6, L1 = l1.Item1, L1Mode = l1.Item2 };
            }
        }
    }

    private static readonly int[] LargeLengths = [1001, 4099, 2 * Optimizer.ChunkElements + 3];

    [TestCaseSource(nameof(Configs))]
    public void SimdMatchesScalarReference(RefConfig config)
    {
        foreach (int n in Enumerable.Range(1, 67).Concat(LargeLengths)) Check(config, n, threads: 2);
    }

    [Test]
    public void ResultsDoNotDependOnTheThreadCount([Values("Sgd", "SgdW", "Adam", "AdamW")] string optimizer)
    {
        var config = new RefConfig { Optimizer = optimizer, LearningRate = 1e-2, Momentum = 0.9, WeightDecay = 0.1, AmsGrad = true };
        int n = 5 * Optimizer.ChunkElements + 7;
        var results = new List<float[]>();
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var p = OptimizerFactory.Param("w", n, seed: 1);
            var opt = OptimizerFactory.Create(config, p);
            opt.MaxDegreeOfParallelism = threads;
            for (int s = 0; s < 3; s++)
            {
                p.Grad = Tensor.RandomNormal([n], 0f, 1f, seed: (ulong)(100 + s));
                opt.Step();
            }
            results.Add(p.Value.ToArray());
        }
        Assert.That(results[1], Is.EqualTo(results[0]));
        Assert.That(results[2], Is.EqualTo(results[0]));
    }

    [Test]
    public void ConcurrentStepsFromThreadPoolThreadsAreCorrect()
    {
        // Many optimizers stepping at once from pool threads: helpers may never start, which must cost
        // parallelism only (the caller does the work itself), and every result must equal the 1-thread one.
        int n = 3 * Optimizer.ChunkElements + 11;
        var config = new RefConfig { Optimizer = "AdamW", LearningRate = 1e-2, WeightDecay = 0.1 };
        float[] Run(int threads)
        {
            var p = OptimizerFactory.Param("w", n, seed: 5);
            var opt = OptimizerFactory.Create(config, p);
            opt.MaxDegreeOfParallelism = threads;
            for (int s = 0; s < 3; s++)
            {
                p.Grad = Tensor.RandomNormal([n], 0f, 1f, seed: (ulong)(200 + s));
                opt.Step();
            }
            return p.Value.ToArray();
        }
        var expected = Run(1);
        var tasks = Enumerable.Range(0, 8).Select(_ => Task.Run(() => Run(4))).ToArray();
        Assert.That(Task.WaitAll(tasks, TimeSpan.FromSeconds(60)), Is.True, "steps finished");
        foreach (var t in tasks) Assert.That(t.Result, Is.EqualTo(expected));
    }

    [Test]
    public void EmptyRangesAreNoOps()
    {
        var empty = Array.Empty<float>();
        float sentinel = 42f;
        var adam = new Adam.Rule<On>(0.9f, 0.1f, 0.999f, 0.001f, 1f, 1e-8f, -1e-3f);
        FusedLoop.Run<Adam.Rule<On>, CoupledL2, L1Proximal>(adam, default, ref sentinel, ref sentinel, ref sentinel, ref sentinel, ref sentinel, ref sentinel, 0, false);
        var sgd = new Sgd.Rule<On, On>(-0.1f, 0.9f, 1f, 0.9f);
        FusedLoop.Run<Sgd.Rule<On, On>, DecoupledDecay, L1Subgradient>(sgd, default, ref sentinel, ref sentinel, ref sentinel, ref sentinel, ref sentinel, ref sentinel, 0, false);
        Assert.That(sentinel, Is.EqualTo(42f));
        Assert.That(ReductionKernels.AllFinite(ref sentinel, 0), Is.True);
        Assert.That(ReductionKernels.SumOfSquares(empty), Is.EqualTo(0.0));
    }

    [Test]
    public void FinitenessCheckFindsEveryPosition()
    {
        foreach (int n in Enumerable.Range(1, 67))
        {
            for (int bad = 0; bad < n; bad++)
            {
                foreach (float special in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
                {
                    var x = new float[n];
                    x[bad] = special;
                    Assert.That(ReductionKernels.AllFinite(ref x[0], (nuint)n), Is.False, $"n={n}, at {bad}, {special}");
                }
            }
            var ok = Enumerable.Range(0, n).Select(i => i * 1e30f).ToArray();
            Assert.That(ReductionKernels.AllFinite(ref ok[0], (nuint)n), Is.True);
        }
    }

    [Test]
    public void SumOfSquaresIsExactLaneOrderOnEveryPath()
    {
        foreach (int n in Enumerable.Range(1, 67).Append(10_007))
        {
            var x = Tensor.RandomNormal([n], 0f, 3f, seed: (ulong)n).ToArray();
            var lanes = new double[8];
            int i = 0;
            for (; i + 8 <= n; i += 8) for (int k = 0; k < 8; k++) lanes[k] += (double)x[i + k] * x[i + k];
            for (int k = 0; i < n; i++, k++) lanes[k] += (double)x[i] * x[i];
            double expected = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
            Assert.That(ReductionKernels.SumOfSquares(x), Is.EqualTo(expected), $"n={n}");
        }
    }

    private static void Check(RefConfig config, int n, int threads)
    {
        var p = OptimizerFactory.Param("w", n, seed: (ulong)n);
        var reference = p.Value.ToArray();
        var refState = new RefState();
        var opt = OptimizerFactory.Create(config, p);
        opt.MaxDegreeOfParallelism = threads;
        for (int step = 0; step < 3; step++)
        {
            var g = Tensor.RandomNormal([n], 0f, 1f, seed: (ulong)(1000 * n + step));
            // a few exact zeros in θ and g exercise sign(0) = 0 and the soft threshold at 0
            if (n > 3) { g.Span[1] = 0f; p.Value.Span[2] = 0f; reference[2] = 0f; }
            p.Grad = g;
            opt.Step();
            ReferenceOptimizers.Step(config, reference, g.ToArray(), refState);
            var actual = p.Value.Span;
            for (int i = 0; i < n; i++)
            {
                if (OptimizerFactory.Ulps(actual[i], reference[i]) != 0)
                    Assert.Fail($"{config.Optimizer} n={n} step {step + 1} [{i}]: SIMD {actual[i]:R}, reference {reference[i]:R}; {config}");
            }
            CompareState(opt, p, refState, config, n, step);
        }
    }

    private static void CompareState(Optimizer opt, Parameter p, RefState r, RefConfig config, int n, int step)
    {
        void Same(string what, float[]? expected, Tensor? actual)
        {
            if (expected is null) { Assert.That(actual, Is.Null, what); return; }
            Assert.That(actual, Is.Not.Null, what);
            var a = actual!.Span;
            for (int i = 0; i < n; i++)
                if (OptimizerFactory.Ulps(a[i], expected[i]) != 0)
                    Assert.Fail($"{config.Optimizer} n={n} step {step + 1} {what}[{i}]: SIMD {a[i]:R}, reference {expected[i]:R}");
        }
        var s = opt.StateOf(p)!;
        if (opt is Adam or AdamW)
        {
            Assert.That(s.Step, Is.EqualTo(r.Step));
            Same("m", r.M, s["m"]);
            Same("v", r.V, s["v"]);
            Same("vMax", r.VMax, s["vMax"]);
        }
        else
        {
            Same("momentumBuffer", r.Buffer, s["momentumBuffer"]);
        }
    }
}

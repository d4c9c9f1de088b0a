using Regularize.Nn;
using Regularize.Tensors;

namespace Regularize.Tests.Nn;

/// <summary>
/// DropPath (stochastic depth): the drop rate of the mask per example and per batch, the exact 1/(1 − p) scaling against
/// torchvision 0.14's stochastic_depth (Fixtures/layers), evaluation and p = 0 as the identity, gradients through kept
/// examples only, seeding and the generator state, and argument checks.
/// </summary>
public class DropPathTests
{
    private static IEnumerable<string> TorchvisionCases() => LayersReference.StochasticDepthCases();

    /// <summary>Which examples (axis 0) of <paramref name="y"/> are kept; asserts each example is all zeros or all nonzero.</summary>
    private static bool[] KeptRows(Tensor y, Tensor x)
    {
        int n = y.Shape[0], row = y.Length / n;
        ReadOnlySpan<float> ys = y.Span, xs = x.Span;
        var kept = new bool[n];
        for (int i = 0; i < n; i++)
        {
            int nonzero = 0, nonzeroInput = 0;
            for (int j = 0; j < row; j++)
            {
                if (ys[i * row + j] != 0) nonzero++;
                if (xs[i * row + j] != 0) nonzeroInput++;
            }
            Assert.That(nonzero == 0 || nonzero == nonzeroInput, Is.True, $"example {i} is partly dropped");
            kept[i] = nonzero > 0;
        }
        return kept;
    }

    [TestCaseSource(nameof(TorchvisionCases))]
    public void KeptExamples_AreScaledExactlyAsTorchvision(string name)
    {
        var c = LayersReference.StochasticDepth(name);
        double p = c.GetProperty("p").GetDouble();
        var mode = c.GetProperty("mode").GetString() == "row" ? DropPathMode.Row : DropPathMode.Batch;
        var x = LayersReference.TensorOf(c.GetProperty("x"));
        var torchY = LayersReference.TensorOf(c.GetProperty("y"));
        // The scale computed independently of DropPath: 1/(1 − p) in double, rounded once to float32 (0 when p = 1).
        float keep = p < 1 ? (float)(1.0 / (1.0 - p)) : 0f;
        int n = x.Shape[0], row = x.Length / n;

        var torchKept = KeptRows(torchY, x);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < row; j++)
            {
                float expected = torchKept[i] ? x.Span[i * row + j] * keep : 0f;
                Assert.That(torchY.Span[i * row + j], Is.EqualTo(expected), $"torchvision, example {i}: the formula x·(1/(1 − p))");
            }
        }
        if (mode == DropPathMode.Batch) Assert.That(torchKept.Distinct().Count(), Is.EqualTo(1), "torchvision batch mode drops all or none");

        var ours = new DropPath(p, mode, seed: 11).Forward(x);
        var ourKept = KeptRows(ours, x);
        if (mode == DropPathMode.Batch) Assert.That(ourKept.Distinct().Count(), Is.EqualTo(1), "batch mode drops all or none");
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < row; j++)
            {
                float expected = ourKept[i] ? x.Span[i * row + j] * keep : 0f;
                Assert.That(ours.Span[i * row + j], Is.EqualTo(expected), $"ours, example {i}");
            }
        }
    }

    [TestCase(0.1)]
    [TestCase(0.3)]
    [TestCase(0.8)]
    public void RowMode_DropsEachExampleWithProbabilityP_AndKeepsTheMean(double p)
    {
        const int n = 40000;
        var layer = new DropPath(p, seed: 3);
        var y = layer.Forward(Tensor.Ones(n, 3));
        var kept = KeptRows(y, Tensor.Ones(n, 3));
        double dropped = kept.Count(k => !k) / (double)n;
        double sigma = Math.Sqrt(p * (1 - p) / n);
        Assert.That(dropped, Is.EqualTo(p).Within(5 * sigma), "fraction of dropped examples");
        // E[y] = 1: the mean over examples is 1 within 5 standard errors (std of y is √(p/(1 − p))).
        double mean = y.ToArray().Select(v => (double)v).Average();
        Assert.That(mean, Is.EqualTo(1).Within(5 * Math.Sqrt(p / (1 - p) / n)));
        // Consecutive examples are independent: the fraction of dropped pairs is p².
        int pairs = 0;
        for (int i = 0; i + 1 < n; i += 2) if (!kept[i] && !kept[i + 1]) pairs++;
        Assert.That(pairs / (n / 2.0), Is.EqualTo(p * p).Within(5 * Math.Sqrt(p * p * (1 - p * p) / (n / 2.0))), "pairs dropped together");
    }

    [Test]
    public void BatchMode_DropsTheWholeBatchWithProbabilityP()
    {
        const int calls = 4000;
        const double p = 0.25;
        var layer = new DropPath(p, DropPathMode.Batch, seed: 4);
        var x = Tensor.RandomNormal([5, 2, 3], seed: 5);
        int dropped = 0;
        for (int t = 0; t < calls; t++)
        {
            var kept = KeptRows(layer.Forward(x), x);
            Assert.That(kept.Distinct().Count(), Is.EqualTo(1), $"call {t}: all examples share the draw");
            if (!kept[0]) dropped++;
        }
        Assert.That(dropped / (double)calls, Is.EqualTo(p).Within(5 * Math.Sqrt(p * (1 - p) / calls)));
    }

    [Test]
    public void EvaluationMode_AndZeroP_ReturnTheInputItself()
    {
        var x = Tensor.RandomNormal([4, 3], seed: 1);
        Assert.That(new DropPath(0.5, seed: 1).Eval().Forward(x), Is.SameAs(x));
        Assert.That(new DropPath(0.0, seed: 1).Forward(x), Is.SameAs(x));
        Assert.That(new DropPath(0.5, DropPathMode.Batch, seed: 1).Eval().Forward(x), Is.SameAs(x));
    }

    [Test]
    public void PEqualToOne_DropsEverything()
    {
        var y = new DropPath(1.0, seed: 2).Forward(Tensor.RandomNormal([6, 2], seed: 2));
        Assert.That(y.ToArray(), Is.All.EqualTo(0f));
    }

    [Test]
    public void Gradient_FlowsThroughKeptExamplesOnly_ScaledBy1OverKeep()
    {
        const double p = 0.4;
        float keep = (float)(1.0 / (1.0 - p));
        var x = Tensor.RandomNormal([12, 2, 3], seed: 6);
        x.RequiresGrad = true;
        var w = Tensor.RandomNormal([12, 2, 3], seed: 7);
        var y = new DropPath(p, seed: 8).Forward(x);
        (y * w).Sum().Backward();
        var kept = KeptRows(y, x);
        Assert.That(kept, Has.Some.True.And.Some.False, "this seed keeps some examples and drops others");
        for (int i = 0; i < 12; i++)
        {
            for (int j = 0; j < 6; j++)
            {
                float expected = kept[i] ? w.Span[i * 6 + j] * keep : 0f;
                Assert.That(x.Grad!.Span[i * 6 + j], Is.EqualTo(expected), $"dx[{i}, {j}]");
            }
        }
    }

    [Test]
    public void InAResidualBlock_ADroppedExample_IsTheShortcutAlone()
    {
        var block = new Residual(new Sequential(new Linear(4, 4, seed: 1), new DropPath(0.5, seed: 9)));
        var x = Tensor.RandomNormal([16, 4], seed: 10);
        var y = block.Forward(x);
        var branch = ((Sequential)block.Body)[0].Forward(x);
        int droppedSeen = 0;
        for (int i = 0; i < 16; i++)
        {
            bool dropped = Enumerable.Range(0, 4).All(j => y.Span[i * 4 + j] == x.Span[i * 4 + j]);
            if (dropped) droppedSeen++;
            for (int j = 0; j < 4; j++)
            {
                float expected = dropped ? x.Span[i * 4 + j] : branch.Span[i * 4 + j] * 2f + x.Span[i * 4 + j];
                Assert.That(y.Span[i * 4 + j], Is.EqualTo(expected).Within(1e-6f), $"y[{i}, {j}]");
            }
        }
        Assert.That(droppedSeen, Is.InRange(1, 15));
    }

    [Test]
    public void SameSeed_SameMasks_AndTheGeneratorStateReplaysThem()
    {
        var x = Tensor.Ones(50, 2);
        var a = new DropPath(0.5, seed: 21);
        var b = new DropPath(0.5, seed: 21);
        Assert.That(a.Forward(x).ToArray(), Is.EqualTo(b.Forward(x).ToArray()));
        var state = a.GetRngState();
        var next = a.Forward(x).ToArray();
        Assert.That(a.Forward(x).ToArray(), Is.Not.EqualTo(next), "each call draws a new mask");
        a.SetRngState(state);
        Assert.That(a.Forward(x).ToArray(), Is.EqualTo(next));
        Assert.Throws<ArgumentException>(() => a.SetRngState(new ulong[2]));
    }

    [Test]
    [NonParallelizable] // DefaultGenerator is process-wide
    public void WithoutASeed_TheDefaultGeneratorReproducesTheMasks()
    {
        var x = Tensor.Ones(64, 1);
        DefaultGenerator.ManualSeed(77);
        var first = new DropPath(0.5).Forward(x).ToArray();
        var other = new DropPath(0.5).Forward(x).ToArray();
        DefaultGenerator.ManualSeed(77);
        Assert.That(new DropPath(0.5).Forward(x).ToArray(), Is.EqualTo(first));
        Assert.That(other, Is.Not.EqualTo(first), "consecutive layers get different seeds");
    }

    [Test]
    public void RejectsBadArgumentsAndScalars()
    {
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new DropPath(-0.1))!.ParamName, Is.EqualTo("p"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new DropPath(1.5))!.Message, Does.Contain("1.5"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DropPath(double.NaN));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new DropPath(0.1, (DropPathMode)7))!.ParamName, Is.EqualTo("mode"));
        var e = Assert.Throws<ArgumentException>(() => new DropPath(0.1, seed: 1).Forward(Tensor.Scalar(1f)))!;
        Assert.That(e.Message, Does.Contain("DropPath p=0.1 row").And.Contain("batch axis"));
    }
}

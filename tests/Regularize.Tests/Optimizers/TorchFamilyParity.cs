using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Tensors;
using Regularize.Tests.Optimizers.Family;

namespace Regularize.Tests.Optimizers;

/// <summary>
/// Shared checks for the torch-family optimizers (NAdam, RAdam, Rprop, Asgd): trajectory parity with the torch 1.13
/// fixture (Fixtures/optim_family), coupled decay as L2 in the gradient, and an export/import round trip.
/// </summary>
internal static class TorchFamilyParity
{
    /// <summary>The bounds <see cref="PyTorchParityTests"/> allows: relative 2e-6 after step 1, 2e-4 later, absolute floor 1e-6.</summary>
    public const double FirstStepRelativeTolerance = 2e-6, RelativeTolerance = 2e-4, AbsoluteTolerance = 1e-6;

    /// <summary>Builds the optimizer under test over the fixture's two groups (lr and λ already set); the config holds the case's options.</summary>
    public delegate Optimizer Factory(IReadOnlyList<ParameterGroup> groups, FamilyConfig options);

    /// <summary>The fixture's cases of <paramref name="optimizer"/> (its torch name).</summary>
    public static IEnumerable<string> CasesOf(string optimizer) =>
        FamilyFixture.CaseNames().Where(n => FamilyFixture.Case(n).Optimizer == optimizer);

    /// <summary>
    /// Runs a fixture case for 50 steps with torch's gradients and asserts θ, every state slot (the same set of names
    /// as torch's) and the step count at every checkpoint; returns the worst ulp distance seen.
    /// </summary>
    public static long Run(string name, Factory create)
    {
        var fc = FamilyFixture.Case(name);
        var init = FamilyFixture.Init;
        var ps = init.Select((a, i) => new Parameter(Tensor.FromArray((float[])a.Clone(), a.Length), $"p{i}")).ToArray();
        var groups = fc.Groups.Select((g, k) => new ParameterGroup(g.Parameters.Select(i => ps[i]), $"g{k}",
            learningRate: g.Config.LearningRate, weightDecay: g.Config.WeightDecay)).ToList();
        var opt = create(groups, fc.Groups[0].Config);
        long worst = 0;
        for (int t = 0; t < FamilyFixture.Steps; t++)
        {
            foreach (var (p, i) in ps.Select((p, i) => (p, i))) p.Grad = Tensor.FromArray(FamilyFixture.Gradient(i, t, p.Value.ToArray()), p.Length);
            opt.Step();
            if (!fc.Checkpoints.TryGetValue(t + 1, out var cp)) continue;
            double rel = t == 0 ? FirstStepRelativeTolerance : RelativeTolerance;
            for (int i = 0; i < ps.Length; i++)
            {
                var state = opt.StateOf(ps[i])!;
                string at = $"{name} step {t + 1} p{i}";
                Assert.That(state.Step, Is.EqualTo(cp.Step), $"{at}: step count");
                var allocated = state.Names.Where(n => state[n] is not null);
                Assert.That(allocated, Is.EquivalentTo(cp.State.Keys), $"{at}: state slots");
                worst = Math.Max(worst, Compare($"{at} theta", ps[i].Value.ToArray(), cp.Parameters[i], rel));
                foreach (var (slot, expected) in cp.State)
                    worst = Math.Max(worst, Compare($"{at} {slot}", state[slot]!.ToArray(), expected[i], rel));
            }
        }
        TestContext.Out.WriteLine($"{name}: worst {worst} ulps from torch 1.13");
        return worst;
    }

    private static long Compare(string what, float[] actual, float[] expected, double relative)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), what);
        long worst = 0;
        for (int j = 0; j < expected.Length; j++)
        {
            double bound = Math.Max(AbsoluteTolerance, relative * Math.Abs(expected[j]));
            if (!(Math.Abs((double)actual[j] - expected[j]) <= bound))
                Assert.Fail($"{what}[{j}]: ours {actual[j]:R}, torch {expected[j]:R} (bound {bound:E2})");
            worst = Math.Max(worst, OptimizerFactory.Ulps(actual[j], expected[j]));
        }
        return worst;
    }

    /// <summary>
    /// Coupled decay, stated as a test: the optimizer with λ equals, bit for bit, the optimizer with λ = 0 fed the
    /// gradient g + λ·θ rounded once, fma(λ, θ, g) (so λθ goes through the rule's state), over several steps, parameters and state.
    /// </summary>
    public static void CoupledDecayIsL2InTheGradient(Func<IEnumerable<Parameter>, double, Optimizer> create, double lambda)
    {
        var a = OptimizerFactory.Param("w", 37, seed: 11);
        var b = OptimizerFactory.Param("w", 37, seed: 11);
        var withDecay = create([a], lambda);
        var without = create([b], 0);
        Assert.That(withDecay.DecayPlacement, Is.EqualTo(Regularize.Regularization.DecayPlacement.Coupled));
        for (int t = 0; t < 12; t++)
        {
            var g = Tensor.RandomNormal([37], 0f, 1f, seed: (ulong)(300 + t)).ToArray();
            a.Grad = Tensor.FromArray((float[])g.Clone(), 37);
            var theta = b.Value.ToArray();
            float lam = (float)lambda;
            b.Grad = Tensor.FromArray(g.Select((x, i) => MathF.FusedMultiplyAdd(lam, theta[i], x)).ToArray(), 37);
            withDecay.Step();
            without.Step();
            Assert.That(a.Value.ToArray(), Is.EqualTo(b.Value.ToArray()), $"step {t + 1}: θ");
            foreach (var name in withDecay.SlotNames)
                Assert.That(withDecay.StateOf(a)![name]?.ToArray(), Is.EqualTo(without.StateOf(b)![name]?.ToArray()), $"step {t + 1}: {name}");
        }
        var plain = OptimizerFactory.Param("w", 37, seed: 11);
        var reference = create([plain], 0);
        for (int t = 0; t < 12; t++)
        {
            plain.Grad = Tensor.RandomNormal([37], 0f, 1f, seed: (ulong)(300 + t));
            reference.Step();
        }
        Assert.That(a.Value.ToArray(), Is.Not.EqualTo(plain.Value.ToArray()), "λ changes the trajectory");
    }

    /// <summary>
    /// Exports the state after a few steps, imports it into a fresh optimizer over copies of the parameters, and
    /// checks that both continue bit-identically (θ, every slot, the step count).
    /// </summary>
    public static void ExportImportContinuesBitIdentically(Func<IEnumerable<Parameter>, Optimizer> create, int before = 7, int after = 9)
    {
        Parameter[] Model(ulong seed) => [OptimizerFactory.Param("fc.weight", 41, seed), OptimizerFactory.Param("fc.bias", 1, seed + 1)];
        var ps = Model(21);
        var optA = create(ps);
        void StepBoth(Parameter[] set, Optimizer o, int t)
        {
            for (int k = 0; k < set.Length; k++) set[k].Grad = Tensor.RandomNormal([set[k].Length], 0f, 1f, seed: (ulong)(500 + 7 * t + k));
            o.Step();
        }
        for (int t = 0; t < before; t++) StepBoth(ps, optA, t);
        var qs = Model(99);
        for (int k = 0; k < ps.Length; k++) ps[k].Value.Span.CopyTo(qs[k].Value.Span);
        var optB = create(qs);
        optB.ImportState(optA.ExportState());
        for (int t = before; t < before + after; t++)
        {
            StepBoth(ps, optA, t);
            StepBoth(qs, optB, t);
        }
        for (int k = 0; k < ps.Length; k++)
        {
            Assert.That(qs[k].Value.ToArray(), Is.EqualTo(ps[k].Value.ToArray()), $"{ps[k].Name}: θ");
            var sa = optA.StateOf(ps[k])!;
            var sb = optB.StateOf(qs[k])!;
            Assert.That(sb.Step, Is.EqualTo(sa.Step).And.EqualTo(before + after));
            foreach (var name in optA.SlotNames)
                Assert.That(sb[name]?.ToArray(), Is.EqualTo(sa[name]?.ToArray()), $"{ps[k].Name}: {name}");
        }
    }

    /// <summary>
    /// After warm-up, 50 steps over a chunked and four small parameters allocate (nearly) nothing: the best of five
    /// rounds, since GetTotalAllocatedBytes counts every thread of the test host; the bound is that of the
    /// existing optimizers' test.
    /// </summary>
    public static void SteadyStateStepAllocatesNothing(Func<IEnumerable<Parameter>, Optimizer> create, int threads)
    {
        var ps = Enumerable.Range(0, 5).Select(k => OptimizerFactory.Param($"p{k}", k == 0 ? 3 * Optimizer.ChunkElements + 1 : 1000 + k, seed: (ulong)k)).ToArray();
        foreach (var p in ps) p.Grad = Tensor.RandomNormal([p.Length], 0f, 1e-3f, seed: 9);
        var opt = create(ps);
        opt.MaxDegreeOfParallelism = threads;
        for (int i = 0; i < 10; i++) opt.Step();
        long allocated = long.MaxValue;
        for (int round = 0; round < 5 && allocated > 0; round++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < 50; i++) opt.Step();
            allocated = Math.Min(allocated, GC.GetTotalAllocatedBytes(precise: true) - before);
        }
        Assert.That(allocated, Is.LessThan(1024), $"{allocated} bytes over 50 steps");
    }
}

using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Tensors;
using Regularize.Tests.Optimizers.Family;

namespace Regularize.Tests.Optimizers;

/// <summary>
/// Runs a case of the torch 1.13 family fixture (Fixtures/optim_family) through one of our optimizers and compares
/// every parameter, every state slot (by its fixture name, which is our slot name) and the step count at every
/// checkpoint. Shared by the family's <c>&lt;Name&gt;Tests</c>.
/// </summary>
/// <remarks>
/// Tolerances are those of <see cref="PyTorchParityTests"/>: relative 2e-6 after the first step and 2e-4 after later
/// ones, with an absolute floor of 1e-6 (times the tensor's largest magnitude for state slots, whose scale varies).
/// Our rules fuse multiply-adds where torch's CPU kernels do, and the shared coupled-L2 piece forms g + λθ as
/// fma(λ, θ, g) as torch's <c>grad.add(param, alpha=λ)</c> does, so every case, with decay or without, matches torch
/// bit for bit; the tolerances remain as the bound reported when a case is run without asserting.
/// </remarks>
internal static class FamilyParity
{
    public const double FirstStepRelativeTolerance = 2e-6;
    public const double RelativeTolerance = 2e-4;
    public const double AbsoluteTolerance = 1e-6;

    /// <summary>The fixture's cases for <paramref name="torchName"/> (RMSprop, Adagrad, …).</summary>
    public static IEnumerable<string> CasesOf(string torchName) =>
        FamilyFixture.CaseNames().Where(n => FamilyFixture.Case(n).Optimizer == torchName);

    /// <summary>
    /// Runs the case; asserts the tolerances (and bit equality when <paramref name="exact"/>) when <paramref name="assert"/>.
    /// Returns the worst ulp distance and the worst relative difference on elements ≥ 1e-3 of their tensor's largest.
    /// </summary>
    public static (long Ulps, double Relative) Run(string name, Func<IEnumerable<ParameterGroup>, FamilyConfig, Optimizer> create, bool assert, bool exact = false)
    {
        var fc = FamilyFixture.Case(name);
        var init = FamilyFixture.Init;
        var parameters = init.Select((a, i) => new Parameter(Tensor.FromArray(a, a.Length), $"p{i}")).ToArray();
        var groups = fc.Groups.Select((g, k) => new ParameterGroup(g.Parameters.Select(i => parameters[i]), $"g{k}",
            learningRate: g.Config.LearningRate, weightDecay: g.Config.WeightDecay)).ToList();
        var optimizer = create(groups, fc.Groups[0].Config);
        long worstUlps = 0;
        double worstRelative = 0;
        for (int t = 0; t < FamilyFixture.Steps; t++)
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                var theta = parameters[i].Value.ToArray();
                parameters[i].Grad = Tensor.FromArray(FamilyFixture.Gradient(i, t, theta), theta.Length);
            }
            optimizer.Step();
            if (!fc.Checkpoints.TryGetValue(t + 1, out var cp)) continue;
            int step = t + 1;
            for (int i = 0; i < parameters.Length; i++)
            {
                var state = optimizer.StateOf(parameters[i])!;
                Compare($"{name} step {step} p{i} theta", parameters[i].Value.ToArray(), cp.Parameters[i], 1.0, step);
                if (!assert) continue;
                Assert.That(state.Step, Is.EqualTo(cp.Step), $"{name} step {step} p{i}: step count");
                var allocated = state.Names.Where(n => state[n] is not null);
                Assert.That(allocated, Is.EquivalentTo(cp.State.Keys), $"{name} step {step} p{i}: state slots");
            }
            foreach (var (slot, expected) in cp.State)
            {
                for (int i = 0; i < parameters.Length; i++)
                {
                    var actual = optimizer.StateOf(parameters[i])![slot];
                    if (actual is null) continue;
                    Compare($"{name} step {step} p{i} {slot}", actual.ToArray(), expected[i], expected[i].Max(MathF.Abs) + 1e-30, step);
                }
            }
        }
        return (worstUlps, worstRelative);

        void Compare(string what, float[] actual, float[] expected, double scale, int step)
        {
            if (assert) Assert.That(actual, Has.Length.EqualTo(expected.Length), what);
            for (int j = 0; j < expected.Length; j++)
            {
                double a = actual[j], e = expected[j], diff = Math.Abs(a - e);
                long ulps = OptimizerFactory.Ulps(actual[j], expected[j]);
                worstUlps = Math.Max(worstUlps, ulps);
                if (Math.Abs(e) >= 1e-3 * scale && e != 0) worstRelative = Math.Max(worstRelative, diff / Math.Abs(e));
                if (!assert) continue;
                if (exact && ulps != 0) Assert.Fail($"{what}[{j}]: got {a:R}, torch {e:R} ({ulps} ulps; expected bit equality)");
                double tolerance = (step == 1 ? FirstStepRelativeTolerance : RelativeTolerance) * Math.Abs(e) + AbsoluteTolerance * scale;
                if (!(diff <= tolerance)) Assert.Fail($"{what}[{j}]: got {a:R}, torch {e:R} (difference {diff:E3})");
            }
        }
    }

    /// <summary>Prints every case's worst difference from torch and asserts bit equality in every case, coupled decay included.</summary>
    public static void Report(string torchName, Func<IEnumerable<ParameterGroup>, FamilyConfig, Optimizer> create)
    {
        foreach (var name in CasesOf(torchName))
        {
            var (ulps, relative) = Run(name, create, assert: false);
            TestContext.Out.WriteLine($"{name}: max {ulps} ulps, max relative {relative:E2}");
            Assert.That(ulps, Is.Zero, name);
        }
    }
}

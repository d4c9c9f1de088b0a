using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Tests.Optimizers.Family;

namespace Regularize.Tests.Optimizers;

/// <summary>Compares a parameter and its optimizer state with a <see cref="FamilyState"/> reference, and round-trips state.</summary>
internal static class FamilyCompare
{
    /// <summary>|actual − expected| ≤ relative·|expected| + absolute, element by element, with the element named.</summary>
    public static void Close(ReadOnlySpan<float> actual, float[] expected, double relative, double absolute, string what)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), $"{what}: length");
        for (int i = 0; i < expected.Length; i++)
        {
            double tol = relative * Math.Abs(expected[i]) + absolute;
            if (!(Math.Abs(actual[i] - expected[i]) <= tol))
                Assert.Fail($"{what}[{i}]: {actual[i]:R}, reference {expected[i]:R} (tolerance {tol:G3})");
        }
    }

    /// <summary>θ, every slot the reference holds (by name) and the step count.</summary>
    public static void State(Optimizer opt, Parameter p, float[] theta, FamilyState s, double relative, double absolute, string when)
    {
        Close(p.Value.Span, theta, relative, absolute, $"{when}, {p.Name}");
        var state = opt.StateOf(p)!;
        Assert.That(state.Step, Is.EqualTo(s.Step), $"{when}, {p.Name}: step");
        foreach (var (name, slot) in s.Slots) Close(state[name]!.Span, slot, relative, absolute, $"{when}, {p.Name}.{name}");
    }

    /// <summary>Trains <paramref name="make"/>'s optimizer k steps, exports, imports into a fresh twin, then trains both and asserts bit identity.</summary>
    public static void RoundTripContinuesBitIdentically(Func<Parameter[], Optimizer> make, Func<Parameter[]> parameters, int before = 3, int after = 3)
    {
        var ps = parameters();
        var opt = make(ps);
        for (int t = 0; t < before; t++) Step(opt, ps, t);
        var exported = opt.ExportState();
        var twinParams = ps.Select(p => new Parameter(p.Value.Clone(), p.Name)).ToArray();
        var twin = make(twinParams);
        twin.ImportState(exported);
        for (int t = before; t < before + after; t++)
        {
            Step(opt, ps, t);
            Step(twin, twinParams, t);
        }
        for (int k = 0; k < ps.Length; k++)
        {
            Assert.That(twinParams[k].Value.ToArray(), Is.EqualTo(ps[k].Value.ToArray()), ps[k].Name);
            foreach (var name in opt.SlotNames)
            {
                var a = opt.StateOf(ps[k])![name];
                var b = twin.StateOf(twinParams[k])![name];
                Assert.That(b?.ToArray(), Is.EqualTo(a?.ToArray()), $"{ps[k].Name}.{name}");
            }
        }
    }

    /// <summary>Gives every parameter a seeded gradient and steps.</summary>
    public static void Step(Optimizer opt, Parameter[] ps, int t)
    {
        foreach (var p in ps) p.Grad = Regularize.Tensors.Tensor.RandomNormal(p.Shape.ToArray(), 0f, 1f, seed: (ulong)(1000 * t + p.Length));
        opt.Step();
    }

    /// <summary>Bytes allocated on this thread by one steady-state step (one thread, gradients fixed, after warm-up).</summary>
    public static long AllocatedBytesPerStep(Optimizer opt, Parameter[] ps)
    {
        opt.MaxDegreeOfParallelism = 1;
        foreach (var p in ps) p.Grad = Regularize.Tensors.Tensor.RandomNormal(p.Shape.ToArray(), 0f, 1f, seed: (ulong)p.Length);
        for (int t = 0; t < 3; t++) opt.Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        opt.Step();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}

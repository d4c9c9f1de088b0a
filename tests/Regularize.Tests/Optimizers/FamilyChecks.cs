using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Optimizers.Kernels;
using Regularize.Regularization;
using Regularize.Tensors;
using Regularize.Tensors.Kernels;

namespace Regularize.Tests.Optimizers;

/// <summary>
/// Checks every optimizer of the family runs the same way: the vector forms against the scalar form at every width,
/// coupled decay entering through the gradient (so through the state), and an export/import round trip that
/// continues bit for bit.
/// </summary>
internal static class FamilyChecks
{
    /// <summary>Pieces around the rule in the width checks: maximize, coupled λ and the L1 subgradient or proximal step.</summary>
    private static readonly LoopPieces Pieces = new() { GradSign = -1f, Lambda = 0.05f, DecayFactor = 1f, L1 = 0.01f, L1Threshold = 1e-3f };

    /// <summary>
    /// The rule's vector form at 4, 8 and 16 lanes (in software where the machine lacks the width) against its scalar form,
    /// bit for bit, for lengths 0..256, two steps, with <typeparamref name="TDecay"/> and <typeparamref name="TL1"/> around it.
    /// <paramref name="prepare"/> makes the random slots valid for the rule (for example a second moment ≥ 0).
    /// </summary>
    public static void Widths<TRule, TDecay, TL1>(TRule rule, Action<float[][]> prepare)
        where TRule : struct, IUpdateRule<TRule> where TDecay : struct, IWeightDecay where TL1 : struct, IL1Penalty
    {
        for (int n = 0; n <= 256; n++)
        {
            var expected = Inputs(n, prepare);
            for (int step = 0; step < 2; step++)
                FusedLoop.Run<TRule, TDecay, TL1>(rule, Pieces, ref expected[0][0], ref expected[1][0], ref expected[2][0], ref expected[3][0],
                    ref expected[4][0], ref expected[5][0], (nuint)n, scalarOnly: true);
            Same(n, "4 lanes", expected, Width<F32x4, TRule, TDecay, TL1>(rule, n, prepare));
            Same(n, "8 lanes", expected, Width<F32x8, TRule, TDecay, TL1>(rule, n, prepare));
            Same(n, "16 lanes", expected, Width<F32x16, TRule, TDecay, TL1>(rule, n, prepare));
        }
    }

    private static float[][] Width<TVec, TRule, TDecay, TL1>(TRule rule, int n, Action<float[][]> prepare)
        where TVec : struct, IFloatVector<TVec> where TRule : struct, IUpdateRule<TRule> where TDecay : struct, IWeightDecay where TL1 : struct, IL1Penalty
    {
        var a = Inputs(n, prepare);
        for (int step = 0; step < 2; step++)
            FusedLoop.RunWidth<TVec, TRule, TDecay, TL1>(rule, Pieces, ref a[0][0], ref a[1][0], ref a[2][0], ref a[3][0], ref a[4][0], ref a[5][0], (nuint)n);
        return a;
    }

    /// <summary>θ, g and four slots of n + 1 elements (the extra one lets n = 0 point somewhere), with a few zeros.</summary>
    private static float[][] Inputs(int n, Action<float[][]> prepare)
    {
        var arrays = new float[6][];
        for (int k = 0; k < 6; k++) arrays[k] = Tensor.RandomNormal([n + 1], 0f, 1f, seed: (ulong)(97 * n + k + 5)).ToArray();
        if (n > 3) { arrays[0][2] = 0f; arrays[1][1] = 0f; arrays[1][3] = 0f; }
        prepare(arrays);
        return arrays;
    }

    private static void Same(int n, string what, float[][] expected, float[][] actual)
    {
        for (int k = 0; k < expected.Length; k++)
        {
            for (int i = 0; i < expected[k].Length; i++)
            {
                if (BitConverter.SingleToInt32Bits(expected[k][i]) != BitConverter.SingleToInt32Bits(actual[k][i]))
                    Assert.Fail($"n={n}, {what}, array {k}[{i}]: vector {actual[k][i]:R}, scalar {expected[k][i]:R}");
            }
        }
    }

    /// <summary>Slot k (array 2 + k) made non-negative: a sum or average of squares, an infinity norm.</summary>
    public static void NonNegative(float[][] a, params int[] slots)
    {
        foreach (int k in slots) for (int i = 0; i < a[2 + k].Length; i++) a[2 + k][i] = MathF.Abs(a[2 + k][i]);
    }

    /// <summary>Two parameters (a matrix and a bias) with a seeded start.</summary>
    public static Parameter[] Model(ulong seed = 1) =>
    [
        new(Tensor.RandomNormal([9, 13], 0f, 1f, seed), "fc.weight"),
        new(Tensor.RandomNormal([13], 0f, 1f, seed + 1), "fc.bias"),
    ];

    private static void Train(Optimizer opt, Parameter[] ps, int from, int to, Func<Parameter, float[], float[]>? transform = null)
    {
        for (int t = from; t < to; t++)
        {
            foreach (var p in ps)
            {
                var g = Tensor.RandomNormal(p.Shape.ToArray(), 0f, 1f, (ulong)(t * 31 + p.Length)).ToArray();
                if (transform is not null) g = transform(p, g);
                p.Grad = Tensor.FromArray(g, p.Shape.ToArray());
            }
            opt.Step();
        }
    }

    /// <summary>θ, every slot and the step count of two optimizers over equally named parameters are bitwise equal.</summary>
    public static void SameState(Optimizer a, Parameter[] pa, Optimizer b, Parameter[] pb)
    {
        for (int i = 0; i < pa.Length; i++)
        {
            Assert.That(pb[i].Value.ToArray(), Is.EqualTo(pa[i].Value.ToArray()), $"{pa[i].Name}: θ");
            var sa = a.StateOf(pa[i])!;
            var sb = b.StateOf(pb[i])!;
            Assert.That(sb.Step, Is.EqualTo(sa.Step), $"{pa[i].Name}: step");
            foreach (var name in sa.Names)
                Assert.That(sb[name]?.ToArray(), Is.EqualTo(sa[name]?.ToArray()), $"{pa[i].Name}: slot {name}");
        }
    }

    /// <summary>Export after 6 steps, import into a fresh optimizer over copies, 5 more steps each: the same bits.</summary>
    public static void RoundTrip(Func<Parameter[], Optimizer> create)
    {
        var a = Model();
        var optA = create(a);
        Train(optA, a, 0, 6);
        var b = Model(seed: 50);
        for (int i = 0; i < a.Length; i++) a[i].Value.Span.CopyTo(b[i].Value.Span);
        var optB = create(b);
        var exported = optA.ExportState();
        optB.ImportState(exported);
        Assert.That(exported.Parameters.Keys, Is.EquivalentTo(new[] { "fc.weight", "fc.bias" }));
        Assert.That(exported.Optimizer, Is.EqualTo(optA.GetType().Name));
        SameState(optA, a, optB, b);
        Train(optA, a, 6, 11);
        Train(optB, b, 6, 11);
        SameState(optA, a, optB, b);
    }

    /// <summary>
    /// Coupled decay is exactly the rule fed g + λθ: an optimizer with λ gives the same θ and the same state, bit for bit,
    /// as one with λ = 0 whose gradient is g + λθ rounded once, fma(λ, θ, g), as the shared piece and torch form it. So λθ goes through the state.
    /// Also, the state differs from a run without decay, and from a decoupled shrink by 1 − lr·λ followed by the rule.
    /// </summary>
    public static void CoupledDecayEntersThroughTheGradient(Func<Parameter[], double, Optimizer> create, double lambda, double learningRate)
    {
        float l = (float)lambda;
        var a = Model();
        var optA = create(a, lambda);
        Assert.That(optA.DecayPlacement, Is.EqualTo(DecayPlacement.Coupled));
        Train(optA, a, 0, 6);

        var b = Model();
        var optB = create(b, 0);
        Train(optB, b, 0, 6, (p, g) =>
        {
            var theta = p.Value.ToArray();
            for (int i = 0; i < g.Length; i++) g[i] = MathF.FusedMultiplyAdd(l, theta[i], g[i]);
            return g;
        });
        SameState(optA, a, optB, b);

        var c = Model();
        var optC = create(c, 0);
        float shrink = (float)(1 - learningRate * lambda);
        for (int t = 0; t < 6; t++)
        {
            foreach (var p in c) p.Value.Span.ToArray().Select(x => x * shrink).ToArray().CopyTo(p.Value.Span);
            Train(optC, c, t, t + 1);
        }
        Assert.That(c[0].Value.ToArray(), Is.Not.EqualTo(a[0].Value.ToArray()), "coupled differs from a decoupled shrink followed by the rule");
        var slot = optA.SlotNames[0];
        Assert.That(optC.StateOf(c[0])![slot]!.ToArray(), Is.Not.EqualTo(optA.StateOf(a[0])![slot]!.ToArray()), $"the decay reaches slot {slot}");
    }
}

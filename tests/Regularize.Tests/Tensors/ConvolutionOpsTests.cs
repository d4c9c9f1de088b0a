using Regularize.Autograd;
using Regularize.Tensors;

namespace Regularize.Tests.Tensors;

/// <summary>
/// The convolutional ops on <see cref="Tensor"/>: finite-difference checks of every op and gradient, a plain
/// definition of convolution in double, bit-identical results for any thread count, ties and error messages.
/// </summary>
/// <remarks>
/// GradCheck uses float32 differences with h = 1e-2 (see <see cref="GradCheck"/>); correct rules stay near 1e-4
/// relative here, and <see cref="Tolerance"/> is 2e-3, as in the layers' gradient checks.
/// </remarks>
public class ConvolutionOpsTests
{
    private const double Tolerance = 2e-3;

    private static void Check(string what, Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var result = GradCheck.Check(f, inputs);
        TestContext.Out.WriteLine($"{what}: {result}");
        Assert.That(result.IsWithin(Tolerance), Is.True, $"{what}: {result}");
    }

    /// <summary>Distinct values at least 0.05 apart (a shuffled ramp), so no finite difference of h = 1e-2 changes which tap is a window's maximum.</summary>
    private static Tensor Distinct(int[] shape, ulong seed)
    {
        var t = Tensor.Zeros(shape);
        var s = t.Span;
        var order = Enumerable.Range(0, s.Length).ToArray();
        new Rng(seed).Shuffle<int>(order);
        for (int i = 0; i < s.Length; i++) s[i] = (order[i] - s.Length / 2) * 0.05f;
        return t;
    }

    [Test]
    public void Conv2d_gradients()
    {
        Check("conv 3x3 pad 1 bias", xs => Tensor.Conv2d(xs[0], xs[1], xs[2], padding: 1),
            Tensor.RandomNormal([2, 3, 5, 4], seed: 1), Tensor.RandomNormal([4, 3, 3, 3], std: 0.5f, seed: 2), Tensor.RandomNormal([4], seed: 3));
        Check("conv stride 2 kernel 3x2 pad (1,0) dilation (1,2)", xs => Tensor.Conv2d(xs[0], xs[1], stride: 2, padding: new Size2d(1, 0), dilation: new Size2d(1, 2)),
            Tensor.RandomNormal([1, 2, 7, 6], seed: 4), Tensor.RandomNormal([3, 2, 3, 2], std: 0.5f, seed: 5));
        Check("conv groups 2", xs => Tensor.Conv2d(xs[0], xs[1], xs[2], padding: 1, groups: 2),
            Tensor.RandomNormal([2, 4, 4, 5], seed: 6), Tensor.RandomNormal([6, 2, 3, 3], std: 0.5f, seed: 7), Tensor.RandomNormal([6], seed: 8));
        Check("conv depthwise same", xs => Tensor.Conv2d(xs[0], xs[1], null, "same", groups: 3),
            Tensor.RandomNormal([2, 3, 5, 5], seed: 9), Tensor.RandomNormal([3, 1, 4, 4], std: 0.5f, seed: 10));
    }

    [Test]
    public void Pooling_and_normalisation_gradients()
    {
        Check("max 3x3 stride 2 pad 1", xs => Tensor.MaxPool2d(xs[0], 3, stride: 2, padding: 1), Distinct([2, 2, 5, 7], 1));
        Check("max 2x2 dilation 2", xs => Tensor.MaxPool2d(xs[0], 2, stride: 1, dilation: 2), Distinct([1, 2, 6, 5], 2));
        Check("avg 3x3 stride 2 pad 1", xs => Tensor.AvgPool2d(xs[0], 3, stride: 2, padding: 1), Tensor.RandomNormal([2, 2, 5, 7], seed: 3));
        Check("avg without pad count", xs => Tensor.AvgPool2d(xs[0], 3, stride: 2, padding: 1, countIncludePad: false), Tensor.RandomNormal([2, 2, 5, 7], seed: 3));
        Check("adaptive 1", xs => Tensor.AdaptiveAvgPool2d(xs[0], 1), Tensor.RandomNormal([2, 3, 5, 4], seed: 4));
        Check("adaptive 3x2", xs => Tensor.AdaptiveAvgPool2d(xs[0], new Size2d(3, 2)), Tensor.RandomNormal([2, 2, 7, 5], seed: 5));
        var rm = Tensor.RandomNormal([3], std: 0.2f, seed: 6);
        var rv = Tensor.RandomUniform([3], 0.5f, 1.5f, seed: 7);
        Check("batch norm training", xs => Tensor.BatchNorm(xs[0], null, null, xs[1], xs[2], training: true),
            Tensor.RandomNormal([3, 3, 4, 2], mean: 0.5f, std: 1.5f, seed: 8), Tensor.RandomNormal([3], 1, 0.3f, seed: 9), Tensor.RandomNormal([3], seed: 10));
        Check("batch norm eval", xs => Tensor.BatchNorm(xs[0], rm, rv, xs[1], xs[2], training: false),
            Tensor.RandomNormal([2, 3, 4, 2], seed: 11), Tensor.RandomNormal([3], 1, 0.3f, seed: 12), Tensor.RandomNormal([3], seed: 13));
        Check("batch norm without affine", xs => Tensor.BatchNorm(xs[0], null, null, null, null, training: true),
            Tensor.RandomNormal([4, 2, 3, 3], seed: 14));
        Check("dropout2d with a fixed mask", xs => Tensor.Dropout2d(xs[0], 0.5, new Rng(3)), Tensor.RandomNormal([3, 4, 2, 2], seed: 15));
    }

    /// <summary>The definition, in double, with padding read as zero.</summary>
    private static double[] Reference(Tensor x, Tensor w, Tensor? b, Size2d stride, Size2d pad, Size2d dil, int groups, int oh, int ow)
    {
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], wd = x.Shape[3];
        int o = w.Shape[0], cg = w.Shape[1], kh = w.Shape[2], kw = w.Shape[3], og = o / groups;
        var y = new double[n * o * oh * ow];
        for (int i = 0; i < n; i++)
            for (int oc = 0; oc < o; oc++)
                for (int r = 0; r < oh; r++)
                    for (int q = 0; q < ow; q++)
                    {
                        double s = b is null ? 0 : b[oc];
                        for (int ci = 0; ci < cg; ci++)
                            for (int a = 0; a < kh; a++)
                                for (int e = 0; e < kw; e++)
                                {
                                    int ih = r * stride.Height - pad.Height + a * dil.Height, iw = q * stride.Width - pad.Width + e * dil.Width;
                                    if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
                                    s += (double)w[oc, ci, a, e] * x[i, oc / og * cg + ci, ih, iw];
                                }
                        y[((i * o + oc) * oh + r) * ow + q] = s;
                    }
        return y;
    }

    [Category("Kernels")]
    [TestCase(1, 0, 1, 1)]
    [TestCase(2, 1, 1, 1)]
    [TestCase(1, 2, 2, 1)]
    [TestCase(2, 1, 1, 4)]
    [TestCase(3, 2, 2, 2)]
    public void Conv2d_matches_the_definition(int stride, int pad, int dilation, int groups)
    {
        var x = Tensor.RandomNormal([3, 8, 11, 10], seed: 1);
        var w = Tensor.RandomNormal([12, 8 / groups, 3, 3], std: 0.3f, seed: 2);
        var b = Tensor.RandomNormal([12], seed: 3);
        var y = Tensor.Conv2d(x, w, b, stride, pad, dilation, groups);
        var expected = Reference(x, w, b, stride, pad, dilation, groups, y.Shape[2], y.Shape[3]);
        int oh = (11 + 2 * pad - dilation * 2 - 1) / stride + 1;
        Assert.That(y.Shape, Is.EqualTo(new Shape(3, 12, oh, (10 + 2 * pad - dilation * 2 - 1) / stride + 1)));
        var ys = y.ToArray();
        for (int i = 0; i < ys.Length; i++) Assert.That(ys[i], Is.EqualTo(expected[i]).Within(1e-4 + 1e-5 * Math.Abs(expected[i])), $"element {i}");
    }

    [Test]
    [Category("Kernels")]
    public void Results_are_bit_identical_for_any_thread_count()
    {
        var x = Tensor.RandomNormal([11, 16, 14, 13], seed: 1);
        var w = Tensor.RandomNormal([24, 16, 3, 3], std: 0.2f, seed: 2);
        var b = Tensor.RandomNormal([24], seed: 3);
        var gamma = Tensor.RandomNormal([24], 1, 0.2f, seed: 4);
        var beta = Tensor.RandomNormal([24], seed: 5);
        float[][] Run()
        {
            foreach (var t in new[] { x, w, b, gamma, beta })
            {
                t.RequiresGrad = true;
                t.Grad = null;
            }
            var y = Tensor.BatchNorm(Tensor.Conv2d(x, w, b, padding: 1), null, null, gamma, beta, training: true).Relu();
            var z = Tensor.AvgPool2d(Tensor.MaxPool2d(y, 2), 3, stride: 1, padding: 1);
            var loss = (z * z).Sum();
            loss.Backward();
            return [z.ToArray(), x.Grad!.ToArray(), w.Grad!.ToArray(), b.Grad!.ToArray(), gamma.Grad!.ToArray(), beta.Grad!.ToArray()];
        }
        float[][] one;
        using (Parallelism.Limit(1)) one = Run();
        foreach (int threads in new[] { 2, 3, 7 })
        {
            using (Parallelism.Limit(threads))
            {
                var many = Run();
                for (int i = 0; i < one.Length; i++) Assert.That(many[i], Is.EqualTo(one[i]), $"{threads} threads, result {i}");
            }
        }
    }

    [Test]
    [Category("Kernels")]
    public void One_channel_convolution_is_bit_identical_for_any_thread_count_and_matches_the_definition()
    {
        var x = Tensor.RandomNormal([19, 1, 28, 28], seed: 1);
        var w = Tensor.RandomNormal([32, 1, 3, 3], std: 0.3f, seed: 2);
        var b = Tensor.RandomNormal([32], seed: 3);
        var g = Tensor.RandomNormal([19, 32, 28, 28], seed: 4);
        float[][] Run()
        {
            w.RequiresGrad = true;
            w.Grad = null;
            var y = Tensor.Conv2d(x, w, b, padding: 1);
            y.Backward(g);
            return [y.ToArray(), w.Grad!.ToArray()];
        }
        float[][] one;
        using (Parallelism.Limit(1)) one = Run();
        using (Parallelism.Limit(3)) Assert.That(Run(), Is.EqualTo(one));
        var expected = Reference(x, w, b, 1, 1, 1, 1, 28, 28);
        for (int i = 0; i < expected.Length; i += 97) Assert.That(one[0][i], Is.EqualTo(expected[i]).Within(1e-4 + 1e-5 * Math.Abs(expected[i])), $"element {i}");
        // dW[o, 0, kh, kw] = Σ g[n, o, i, j]·x[n, 0, i − 1 + kh, j − 1 + kw]
        for (int o = 0; o < 32; o += 7)
            for (int t = 0; t < 9; t++)
            {
                double sum = 0;
                for (int n = 0; n < 19; n++)
                    for (int i = 0; i < 28; i++)
                        for (int j = 0; j < 28; j++)
                        {
                            int ih = i - 1 + t / 3, iw = j - 1 + t % 3;
                            if (ih >= 0 && ih < 28 && iw >= 0 && iw < 28) sum += (double)g[n, o, i, j] * x[n, 0, ih, iw];
                        }
                Assert.That(one[1][o * 9 + t], Is.EqualTo(sum).Within(1e-3 + 1e-5 * Math.Abs(sum)), $"dW[{o}, {t}]");
            }
    }

    [Test]
    public void Max_pooling_ties_go_to_the_first_tap_in_scan_order()
    {
        var x = Tensor.FromArray([1, 3, 3, 0, 2, 3, 3, 1, 5, 5, 0, 0, 5, 5, 0, 0], 1, 1, 4, 4);
        x.RequiresGrad = true;
        var y = Tensor.MaxPool2d(x, 2);
        Assert.That(y.ToArray(), Is.EqualTo(new float[] { 3, 3, 5, 0 }));
        y.Sum().Backward();
        // Windows: {1,3,2,3} → index 1; {3,0,3,1} → index 2; {5,5,5,5} → index 8; {0,0,0,0} → index 10.
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(new float[] { 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0 }));
    }

    [Test]
    [Category("Kernels")]
    public void Max_pooling_2x2_vector_path_matches_the_scan_order_definition()
    {
        // Wide rows (the 8-window vector path and its scalar tail), small integers (ties) and a few NaNs.
        var x = Tensor.RandomNormal([2, 3, 10, 37], seed: 4);
        var xs = x.Span;
        for (int i = 0; i < xs.Length; i++) xs[i] = MathF.Round(xs[i] * 1.5f);
        xs[5] = float.NaN;
        xs[300] = float.NaN;
        xs[301] = float.NaN;
        x.RequiresGrad = true;
        var y = Tensor.MaxPool2d(x, 2);
        var g = Tensor.RandomNormal(y.Shape.ToArray(), seed: 5);
        y.Backward(g);
        var expectedGrad = new float[x.Length];
        for (int p = 0; p < 6; p++)
            for (int oh = 0; oh < 5; oh++)
                for (int ow = 0; ow < 18; ow++)
                {
                    int best = -1;
                    float max = float.NegativeInfinity;
                    foreach (var (dh, dw) in new[] { (0, 0), (0, 1), (1, 0), (1, 1) })
                    {
                        int i = p * 370 + (2 * oh + dh) * 37 + 2 * ow + dw;
                        if (best < 0 || xs[i] > max || float.IsNaN(xs[i])) (best, max) = (i, xs[i]);
                    }
                    int o = (p * 5 + oh) * 18 + ow;
                    Assert.That(y.Span[o], Is.EqualTo(max), $"output {o}");
                    expectedGrad[best] += g.Span[o];
                }
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(expectedGrad));
    }

    [Test]
    public void Dropout2d_drops_whole_channels()
    {
        var x = Tensor.Ones(4, 6, 3, 3);
        var y = Tensor.Dropout2d(x, 0.5, new Rng(1));
        var ys = y.ToArray();
        int dropped = 0;
        for (int ch = 0; ch < 24; ch++)
        {
            var plane = ys.AsSpan(ch * 9, 9).ToArray();
            Assert.That(plane, Is.All.EqualTo(plane[0]), $"channel {ch} is all kept or all dropped");
            Assert.That(plane[0], Is.EqualTo(0f).Or.EqualTo(2f));
            if (plane[0] == 0) dropped++;
        }
        Assert.That(dropped, Is.InRange(1, 23));
        Assert.That(Tensor.Dropout2d(x, 0.5, new Rng(1), training: false), Is.SameAs(x));
    }

    [Test]
    public void Errors_name_the_op_and_the_shapes()
    {
        var x = Tensor.Zeros(2, 3, 5, 5);
        Assert.That(() => Tensor.Conv2d(x, Tensor.Zeros(4, 2, 3, 3)),
            Throws.ArgumentException.With.Message.Contains("input [2,3,5,5], weight [4,2,3,3]"));
        Assert.That(() => Tensor.Conv2d(x, Tensor.Zeros(4, 3, 7, 7)), Throws.ArgumentException.With.Message.Contains("larger than the padded input"));
        Assert.That(() => Tensor.Conv2d(x, Tensor.Zeros(4, 1, 3, 3), groups: 2), Throws.ArgumentException.With.Message.Contains("groups = 2"));
        Assert.That(() => Tensor.Conv2d(x, Tensor.Zeros(4, 3, 3, 3), null, "same", stride: 2), Throws.ArgumentException.With.Message.Contains("stride 1"));
        Assert.That(() => Tensor.Conv2d(x, Tensor.Zeros(4, 3, 3, 3), stride: 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("stride"));
        Assert.That(() => Tensor.MaxPool2d(x, 2, padding: 2), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("half the kernel"));
        Assert.That(() => Tensor.BatchNorm(Tensor.Zeros(1, 3, 1, 1), null, null, null, null, training: true),
            Throws.ArgumentException.With.Message.Contains("more than 1 value per channel"));
    }
}

using Regularize.Nn;
using Regularize.Regularization;
using Regularize.Tensors;

namespace Regularize.Tests.Regularization;

public class GradientClippingTests
{
    private static Parameter WithGrad(string name, params float[] g)
    {
        var p = new Parameter(Tensor.Zeros(g.Length), name);
        p.Grad = Tensor.FromArray(g, g.Length);
        return p;
    }

    [Test]
    public void ClipByGlobalNormReturnsThePreClipNormAndScales()
    {
        var a = WithGrad("a", 3f, 0f);
        var b = WithGrad("b", 0f, 4f, 0f);
        var none = new Parameter(Tensor.Zeros(2), "none");
        double norm = GradientClipping.ClipByGlobalNorm([a, b, none], maxNorm: 1.0);
        Assert.That(norm, Is.EqualTo(5.0));
        float scale = (float)(1.0 / (5.0 + 1e-6));
        Assert.That(a.Grad!.ToArray(), Is.EqualTo(new[] { 3f * scale, 0f }));
        Assert.That(b.Grad!.ToArray(), Is.EqualTo(new[] { 0f, 4f * scale, 0f }));
        Assert.That(none.Grad, Is.Null);
    }

    [Test]
    public void ClipByGlobalNormLeavesSmallGradientsAlone()
    {
        var a = WithGrad("a", 0.3f, 0.4f);
        Assert.That(GradientClipping.ClipByGlobalNorm([a], maxNorm: 1.0), Is.EqualTo(0.5).Within(1e-7));
        Assert.That(a.Grad!.ToArray(), Is.EqualTo(new[] { 0.3f, 0.4f }));
    }

    [Test]
    public void GlobalNormIsSummedInDoubleDeterministically()
    {
        var p = new Parameter(Tensor.Zeros(100_003), "w");
        p.Grad = Tensor.RandomNormal([100_003], 0f, 1f, seed: 4);
        var copy = p.Grad.ToArray();
        double expected = Math.Sqrt(copy.Sum(x => (double)x * x));
        double norm = GradientClipping.ClipByGlobalNorm([p], maxNorm: 1e9);
        Assert.That(norm, Is.EqualTo(expected).Within(1e-10).Percent);
        Assert.That(GradientClipping.ClipByGlobalNorm([p], maxNorm: 1e9), Is.EqualTo(norm), "same bits on a rerun");
    }

    [Test]
    public void NonFiniteGradientsAreReportedByName()
    {
        var a = WithGrad("a", 1f);
        var b = WithGrad("encoder.weight", 1f, float.PositiveInfinity);
        var ex = Assert.Throws<NonFiniteGradientException>(() => GradientClipping.ClipByGlobalNorm([a, b], 1.0));
        Assert.That(ex!.ParameterName, Is.EqualTo("encoder.weight"));
        Assert.That(a.Grad!.ToArray(), Is.EqualTo(new[] { 1f }));
        Assert.That(double.IsNaN(GradientClipping.ClipByGlobalNorm([a, b], 1.0, errorIfNonFinite: false)));
        var c = WithGrad("c", float.NaN);
        Assert.That(() => GradientClipping.ClipByValue([a, c], 0.5), Throws.TypeOf<NonFiniteGradientException>().With.Message.Contains("'c'"));
        Assert.That(a.Grad!.ToArray(), Is.EqualTo(new[] { 1f }), "nothing clipped when one gradient is bad");
    }

    [Test]
    public void ClipByValueClamps()
    {
        var a = WithGrad("a", -3f, 0.2f, 5f, float.NegativeInfinity);
        GradientClipping.ClipByValue([a], 1.0);
        Assert.That(a.Grad!.ToArray(), Is.EqualTo(new[] { -1f, 0.2f, 1f, -1f }));
        Assert.That(() => GradientClipping.ClipByValue([a], 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.StartsWith("clipValue must be > 0, was 0"));
    }
}

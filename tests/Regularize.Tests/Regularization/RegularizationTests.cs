using System.Text.RegularExpressions;
using Regularize.Nn;
using Regularize.Optimizers;
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

public class DecayMaskTests
{
    [TestCase("layers.0.weight", new[] { 4, 3 }, true)]
    [TestCase("embedding.weight", new[] { 10, 4 }, true)]
    [TestCase("conv.weight", new[] { 8, 3, 3, 3 }, true)]
    [TestCase("layers.0.bias", new[] { 4 }, false)]
    [TestCase("bias", new[] { 4, 1 }, false)]
    [TestCase("encoder.layer_norm.weight", new[] { 4 }, false)]
    [TestCase("encoder.LayerNorm.gamma", new[] { 2, 2 }, false)]
    [TestCase("blocks.1.ln_1.weight", new[] { 2, 2 }, false)]
    [TestCase("features.bn1.weight", new[] { 2, 2 }, false)]
    [TestCase("ln.weight", new[] { 2, 2 }, false)]
    [TestCase("linear.weight", new[] { 2, 2 }, true)]
    [TestCase("bnb.weight", new[] { 2, 2 }, true)]
    [TestCase("scale", new[] { 1 }, false)]
    public void DefaultRule(string name, int[] shape, bool decayed) =>
        Assert.That(DecayMask.IsDecayedByDefault(new Parameter(Tensor.Zeros(shape), name)), Is.EqualTo(decayed));

    [Test]
    public void GroupsSplitDecayedFromTheRest()
    {
        var w = new Parameter(Tensor.Zeros(2, 2), "fc.weight");
        var b = new Parameter(Tensor.Zeros(2), "fc.bias");
        var groups = DecayMask.Groups([w, b]);
        Assert.That(groups[0].Parameters, Is.EqualTo(new[] { w }));
        Assert.That(groups[0].IsSet(Hyperparameter.WeightDecay), Is.False, "takes the optimizer's λ");
        Assert.That(groups[1].Parameters, Is.EqualTo(new[] { b }));
        Assert.That(groups[1].WeightDecay, Is.EqualTo(0));
        var custom = DecayMask.Groups([w, b], weightDecay: 0.2, isDecayed: p => p.Name.EndsWith("bias"));
        Assert.That(custom[0].Parameters, Is.EqualTo(new[] { b }));
        Assert.That(custom[0].WeightDecay, Is.EqualTo(0.2));
    }
}

public class GroupBuilderTests
{
    private static readonly Parameter[] Ps =
    [
        new(Tensor.Zeros(2, 2), "encoder.0.weight"),
        new(Tensor.Zeros(2), "encoder.0.bias"),
        new(Tensor.Zeros(2, 2), "head.weight"),
    ];

    [Test]
    public void SplitByGlobRegexAndPredicate()
    {
        var byGlob = GroupBuilder.Split(Ps, "encoder.*", g => g.LearningRate = 1e-4);
        Assert.That(byGlob[0].Parameters.Select(p => p.Name), Is.EqualTo(new[] { "encoder.0.weight", "encoder.0.bias" }));
        Assert.That(byGlob[0].LearningRate, Is.EqualTo(1e-4));
        Assert.That(byGlob[1].Parameters.Select(p => p.Name), Is.EqualTo(new[] { "head.weight" }));
        Assert.That(byGlob[1].IsSet(Hyperparameter.LearningRate), Is.False);
        Assert.That(GroupBuilder.Split(Ps, "*.bias")[0].Parameters.Single().Name, Is.EqualTo("encoder.0.bias"));
        Assert.That(GroupBuilder.Split(Ps, new Regex(@"^head\."))[0].Parameters.Single().Name, Is.EqualTo("head.weight"));
        Assert.That(GroupBuilder.Split(Ps, p => p.Shape.Rank == 1).Count, Is.EqualTo(2));
    }

    [Test]
    public void GeometricSpreadsFromLowToHigh()
    {
        var layers = Ps.Select(p => (IEnumerable<Parameter>)[p]).ToList();
        var groups = GroupBuilder.Geometric(layers, Hyperparameter.LearningRate, 1e-4, 1e-2);
        Assert.That(groups.Select(g => g.LearningRate), Is.EqualTo(new[] { 1e-4, 1e-3, 1e-2 }).Within(1e-12));
        var opt = new AdamW(groups, learningRate: 1.0);
        Assert.That(opt.ParameterGroups[1].LearningRate, Is.EqualTo(1e-3).Within(1e-12), "explicit values beat the constructor default");
    }
}

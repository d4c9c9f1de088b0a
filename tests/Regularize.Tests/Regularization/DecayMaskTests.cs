using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Regularization;
using Regularize.Tensors;

namespace Regularize.Tests.Regularization;

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

using Regularize.Nn;
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
}

using Regularize.Nn;

namespace Regularize.Tests.Nn;

[NonParallelizable]
public class DefaultGeneratorTests
{
    [Test]
    public void LayersWithoutASeedStartDifferentAndManualSeedReproducesThem()
    {
        DefaultGenerator.ManualSeed(42);
        var a1 = new Linear(5, 4);
        var a2 = new Linear(5, 4);
        Assert.That(a1.Weight.Value.ToArray(), Is.Not.EqualTo(a2.Weight.Value.ToArray()), "same shape, different weights");
        DefaultGenerator.ManualSeed(42);
        var b1 = new Linear(5, 4);
        var b2 = new Linear(5, 4);
        Assert.That(b1.Weight.Value.ToArray(), Is.EqualTo(a1.Weight.Value.ToArray()));
        Assert.That(b2.Bias!.Value.ToArray(), Is.EqualTo(a2.Bias!.Value.ToArray()));
        Assert.That(DefaultGenerator.InitialSeed, Is.EqualTo(42UL));
    }

    [Test]
    public void Conv2dLayersWithoutASeedStartDifferentAndManualSeedReproducesThem()
    {
        DefaultGenerator.ManualSeed(7);
        var a1 = new Conv2d(3, 3, 3);
        var a2 = new Conv2d(3, 3, 3, "same");
        Assert.That(a1.Weight.Value.ToArray(), Is.Not.EqualTo(a2.Weight.Value.ToArray()), "same shape, different weights");
        DefaultGenerator.ManualSeed(7);
        Assert.That(new Conv2d(3, 3, 3).Weight.Value.ToArray(), Is.EqualTo(a1.Weight.Value.ToArray()));
        Assert.That(new Conv2d(3, 3, 3, "same").Bias!.Value.ToArray(), Is.EqualTo(a2.Bias!.Value.ToArray()));
        // An explicit seed ignores the generator and gives the weights it always gave.
        Assert.That(new Conv2d(3, 3, 3, seed: 0).Weight.Value.ToArray(), Is.EqualTo(new Conv2d(3, 3, 3, seed: 0).Weight.Value.ToArray()));
    }

    [Test]
    public void Dropout2dWithoutASeedDrawsItsOwnMasksAndManualSeedReproducesThem()
    {
        var x = Regularize.Tensors.Tensor.Ones(4, 16, 2, 2);
        DefaultGenerator.ManualSeed(42);
        var a1 = new Dropout2d(0.5);
        var a2 = new Dropout2d(0.5);
        float[] m1 = a1.Forward(x).ToArray(), m2 = a2.Forward(x).ToArray();
        Assert.That(m1, Is.Not.EqualTo(m2), "two same-shaped layers built without a seed drop different channels");
        DefaultGenerator.ManualSeed(42);
        Assert.That(new Dropout2d(0.5).Forward(x).ToArray(), Is.EqualTo(m1));
        Assert.That(new Dropout2d(0.5).Forward(x).ToArray(), Is.EqualTo(m2));
        // An explicit seed ignores the generator: seed 0 gives the masks of the old default.
        var expected = Regularize.Tensors.Tensor.Dropout2d(x, 0.5, new Regularize.Tensors.Rng(0)).ToArray();
        Assert.That(new Dropout2d(0.5, seed: 0).Forward(x).ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void AnExplicitSeedIgnoresTheGeneratorAndKeepsItsWeights()
    {
        DefaultGenerator.ManualSeed(1);
        var first = new Linear(3, 2, seed: 7);
        DefaultGenerator.ManualSeed(2);
        _ = new Linear(3, 2);
        var second = new Linear(3, 2, seed: 7);
        Assert.That(second.Weight.Value.ToArray(), Is.EqualTo(first.Weight.Value.ToArray()));
        // seed: 0 is still the old default's weights: U(−1/√3, 1/√3) from Rng(0), weight first.
        var zero = new Linear(3, 2, seed: 0);
        var rng = new Regularize.Tensors.Rng(0);
        var expected = Regularize.Tensors.Tensor.Zeros(2, 3);
        Init.KaimingUniform(expected, rng, negativeSlope: Math.Sqrt(5.0));
        Assert.That(zero.Weight.Value.ToArray(), Is.EqualTo(expected.ToArray()));
    }

    [Test]
    public void DropoutMasksFollowTheGeneratorToo()
    {
        var x = Regularize.Tensors.Tensor.Ones(64);
        DefaultGenerator.ManualSeed(3);
        var first = new Dropout(0.5).Forward(x).ToArray();
        var second = new Dropout(0.5).Forward(x).ToArray();
        Assert.That(second, Is.Not.EqualTo(first), "two dropout layers draw different masks");
        DefaultGenerator.ManualSeed(3);
        Assert.That(new Dropout(0.5).Forward(x).ToArray(), Is.EqualTo(first));
    }
}

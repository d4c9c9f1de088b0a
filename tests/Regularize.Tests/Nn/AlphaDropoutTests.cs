using Regularize.Nn;
using Regularize.Tensors;

namespace Regularize.Tests.Nn;

public class AlphaDropoutTests
{
    [Test]
    public void DroppedElementsTakeTheSaturationValueAndTheMomentsAreKept()
    {
        const double p = 0.2, alpha = 1.7580993408473766;
        double a = 1 / Math.Sqrt((alpha * alpha * p + 1) * (1 - p));
        var x = Tensor.RandomNormal([200_000], seed: 4);
        var layer = new AlphaDropout(p, seed: 5);
        var y = layer.Forward(x).ToArray();
        var xs = x.ToArray();
        int dropped = 0;
        float droppedValue = (float)(a * (-alpha + alpha * p));
        for (int i = 0; i < y.Length; i++)
        {
            float kept = (float)a * xs[i] + (float)(alpha * a * p);
            if (y[i] == droppedValue && Math.Abs(kept - droppedValue) > 1e-6) dropped++;
            else Assert.That(y[i], Is.EqualTo(kept).Within(1e-5f), $"element {i}");
        }
        Assert.That((double)dropped / y.Length, Is.EqualTo(p).Within(0.005));
        double mean = y.Average(v => (double)v), variance = y.Average(v => (v - mean) * (v - mean));
        Assert.That(mean, Is.EqualTo(0).Within(0.01), "zero mean kept for standard normal input");
        Assert.That(variance, Is.EqualTo(1).Within(0.02), "unit variance kept");
        layer.Eval();
        Assert.That(layer.Forward(x), Is.SameAs(x));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new AlphaDropout(1));
    }

    [Test]
    public void ItsGeneratorStateRestoresTheMasksThatFollowed()
    {
        var x = Tensor.RandomNormal([64], seed: 4);
        var layer = new AlphaDropout(0.3, seed: 5);
        IStochasticModule stochastic = layer;
        layer.Forward(x);
        ulong[] state = stochastic.GetRngState();
        float[] next = layer.Forward(x).ToArray();
        var other = new AlphaDropout(0.3, seed: 6);
        Assert.That(other.Forward(x).ToArray(), Is.Not.EqualTo(next), "another seed draws other masks");
        other.SetRngState(state);
        Assert.That(other.Forward(x).ToArray(), Is.EqualTo(next));
        Assert.Throws<ArgumentException>(() => other.SetRngState([0, 0, 0, 0, 0, 0]));
    }
}

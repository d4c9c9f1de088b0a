using Regularize.Autograd;
using Regularize.Tensors;

namespace Regularize.Tests.Autograd;

/// <summary>
/// Finite-difference checks (<see cref="GradCheck"/>) of the rules added for the functional API: softmax and
/// log-softmax on inner axes (the strided path), reductions over several axes, amax with ties, the tanh GELU.
/// Same tolerance and reasoning as <see cref="DerivativeTests"/>.
/// </summary>
public class FunctionalDerivativeTests
{
    private const double Tolerance = 2e-3;

    private static Tensor R(ulong seed, params int[] shape) => Tensor.RandomNormal(shape, 0, 1, seed);

    private static void Check(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var result = GradCheck.Check(f, inputs);
        TestContext.Out.WriteLine(result.ToString());
        Assert.That(result.IsWithin(Tolerance), Is.True, result.ToString());
    }

    [Test] public void Softmax([Values(0, 1, -1)] int axis) => Check(x => x[0].Softmax(axis), R(1, 3, 4, 5));
    [Test] public void LogSoftmax([Values(0, 1, -1)] int axis) => Check(x => x[0].LogSoftmax(axis), R(1, 3, 4, 5));
    [Test] public void SumAxes([Values] bool keep) => Check(x => x[0].Sum([0, 2], keep), R(1, 2, 3, 4));
    [Test] public void MeanAxes([Values] bool keep) => Check(x => x[0].Mean([-1, 1], keep), R(1, 2, 3, 4));

    [Test]
    public void MaxAxes([Values] bool keep)
    {
        // Distinct values spaced 0.1 apart, so h = 1e-2 never changes which element is largest.
        var x = Tensor.Zeros(3, 4, 5);
        var order = Enumerable.Range(0, x.Length).ToArray();
        new Rng(9).Shuffle<int>(order);
        for (int i = 0; i < order.Length; i++) x.Span[i] = order[i] * 0.1f - 3f;
        Check(t => t[0].Max([0, 2], keep), x);
    }

    [Test]
    public void MaxAxes_SharesTheGradientAmongTies()
    {
        var x = Tensor.FromArray([1f, 3f, 3f, 0f, 2f, 3f], 2, 3);
        x.RequiresGrad = true;
        x.Max([0, 1]).Backward();
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(new[] { 0f, 1f / 3, 1f / 3, 0f, 0f, 1f / 3 }));
    }

    [Test] public void GeluTanh() => Check(x => x[0].Gelu(GeluApproximation.Tanh), R(1, 4, 9));
}

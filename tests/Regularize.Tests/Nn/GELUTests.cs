using Regularize.Nn;
using Regularize.Tensors;
using Regularize.Tests.Tensors;

namespace Regularize.Tests.Nn;

/// <summary>
/// <see cref="GELU"/> in both forms against <c>torch.nn.functional.gelu</c> (PyTorch 1.13, Fixtures/functional):
/// values and the gradient of an unevenly weighted sum, over [−12, 12] and random points. PyTorch evaluates the
/// tanh form in float32 with its own tanh, we in double and round once, so values differ by a few float32 ulps:
/// tolerance 1e-6 relative + 1e-6 absolute (the exact and tanh forms differ by up to 2e-2, far outside it).
/// </summary>
public class GELUTests
{
    [Test]
    public void Tanh_MatchesTorch() =>
        FunctionalReference.CheckValueAndGradient("gelu_tanh", x => new GELU(GeluApproximation.Tanh).Forward(x), rtol: 1e-6, atol: 1e-6);

    [Test]
    public void Exact_MatchesTorch() =>
        FunctionalReference.CheckValueAndGradient("gelu_none", x => new GELU().Forward(x), rtol: 1e-6, atol: 1e-6);

    [Test]
    public void TheTwoForms_Differ()
    {
        var x = Tensor.FromArray([-2f, -1f, 1f, 2f], 4);
        var exact = new GELU().Forward(x).ToArray();
        var tanh = new GELU(GeluApproximation.Tanh).Forward(x).ToArray();
        Assert.That(Enumerable.Range(0, 4).Max(i => Math.Abs(exact[i] - tanh[i])), Is.GreaterThan(1e-4));
        Assert.That(new GELU().Approximation, Is.EqualTo(GeluApproximation.None));
    }

    [Test]
    public void UndefinedApproximation_IsRejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new GELU((GeluApproximation)7))!;
        Assert.That(e.ParamName, Is.EqualTo("approximation"));
    }
}

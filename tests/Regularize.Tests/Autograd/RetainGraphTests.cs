using Regularize.Tensors;

namespace Regularize.Tests.Autograd;

/// <summary><c>Backward(retainGraph: true)</c>: a graph walked twice accumulates twice, as PyTorch's <c>retain_graph=True</c>; a freed graph refuses a second walk with a message that names the way out.</summary>
public class RetainGraphTests
{
    [Test]
    public void RetainedGraph_CanBeWalkedAgain_AndGradientsAccumulate()
    {
        var x = Tensor.FromArray([0.5f, -1f, 2f], 3);
        x.RequiresGrad = true;
        var loss = (x * x * x).Softmax().Log().Sum() + x.Square().Sum();
        loss.Backward(retainGraph: true);
        var once = x.Grad!.ToArray();
        loss.Backward(retainGraph: true);
        loss.Backward();
        var thrice = x.Grad!.ToArray();
        for (int i = 0; i < 3; i++) Assert.That(thrice[i], Is.EqualTo(3 * once[i]).Within(1e-5 * Math.Abs(once[i]) + 1e-6), $"element {i}");
        // d/dx of Σ log softmax(x³) + Σ x² = 3x²·(1 − 3·softmax(x³)) + 2x, computed by hand.
        double[] cube = [0.125, -1, 8];
        double z = cube.Sum(Math.Exp);
        for (int i = 0; i < 3; i++)
        {
            double xi = x.Span[i];
            double expected = 3 * xi * xi * (1 - 3 * Math.Exp(cube[i]) / z) + 2 * xi;
            Assert.That(once[i], Is.EqualTo(expected).Within(1e-5), $"element {i}");
        }
    }

    [Test]
    public void FreedGraph_SecondBackward_ThrowsNamingRetainGraph()
    {
        var x = Tensor.FromArray([1f, 2f], 2);
        x.RequiresGrad = true;
        var loss = (x * 3f).Sum();
        loss.Backward();
        var e = Assert.Throws<InvalidOperationException>(() => loss.Backward())!;
        Assert.That(e.Message, Does.Contain("already been freed").And.Contain("retainGraph: true"));
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(new[] { 3f, 3f }), "the failed pass added nothing");
    }

    [Test]
    public void SharedSubgraph_FreedByAnotherLoss_Throws()
    {
        var x = Tensor.FromArray([1f, 2f], 2);
        x.RequiresGrad = true;
        var h = x.Exp();
        (h * 2f).Sum().Backward();
        var e = Assert.Throws<InvalidOperationException>(() => (h * 3f).Sum().Backward())!;
        Assert.That(e.Message, Does.Contain("Exp"));
    }

    [Test]
    public void SharedSubgraph_Retained_SecondLossFlowsThroughIt()
    {
        var x = Tensor.FromArray([1f, 2f], 2);
        x.RequiresGrad = true;
        var h = x.Exp();
        (h * 2f).Sum().Backward(retainGraph: true);
        (h * 3f).Sum().Backward();
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(new[] { 5 * MathF.Exp(1), 5 * MathF.Exp(2) }).Within(1e-5));
    }
}

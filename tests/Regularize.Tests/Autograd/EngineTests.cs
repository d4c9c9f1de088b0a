using Regularize.Autograd;
using Regularize.Tensors;

namespace Regularize.Tests.Autograd;

public class EngineTests
{
    [Test]
    public void GradientsAccumulateAcrossBackwardCallsUntilCleared()
    {
        var x = Tensor.FromArray([1, 2, 3]);
        x.RequiresGrad = true;
        (x * x).Sum().Backward();
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(new float[] { 2, 4, 6 }));
        (x * 3f).Sum().Backward();
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(new float[] { 5, 7, 9 }));
        x.Grad = null;
        x.Sum().Backward();
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(new float[] { 1, 1, 1 }));
    }

    [Test]
    public void ASharedSubexpressionReceivesTheSumOfItsPaths()
    {
        var x = Tensor.FromArray([2f]);
        x.RequiresGrad = true;
        var y = x * x;          // y = x²
        var z = y * y + y;      // z = x⁴ + x², dz/dx = 4x³ + 2x = 36
        z.Sum().Backward();
        Assert.That(x.Grad!.Item(), Is.EqualTo(36f));
    }

    [Test]
    public void NoGradScopeRecordsNothing()
    {
        var x = Tensor.Ones(3);
        x.RequiresGrad = true;
        Tensor y;
        using (GradMode.NoGrad())
        {
            Assert.That(GradMode.IsEnabled, Is.False);
            y = x * 2f;
        }
        Assert.That(GradMode.IsEnabled, Is.True);
        Assert.That(y.RequiresGrad, Is.False);
        Assert.That(() => y.Sum().Backward(), Throws.InvalidOperationException.With.Message.Contains("does not require gradients"));
    }

    [Test]
    public void DetachCutsTheGraphButSharesStorage()
    {
        var x = Tensor.Ones(2);
        x.RequiresGrad = true;
        var d = (x * 2f).Detach();
        Assert.That(d.RequiresGrad, Is.False);
        Assert.That(d.IsLeaf, Is.True);
        Assert.That(d.ToArray(), Is.EqualTo(new float[] { 2, 2 }));
    }

    [Test]
    public void ClearErrors()
    {
        var x = Tensor.Ones(2, 2);
        x.RequiresGrad = true;
        var y = x * 3f;
        Assert.That(() => y.Backward(), Throws.InvalidOperationException.With.Message.Contains("[2,2]").And.Message.Contains("seed"));
        Assert.That(() => y.Backward(Tensor.Ones(3)), Throws.ArgumentException.With.Message.Contains("[3]"));
        Assert.That(() => y.RequiresGrad = false, Throws.InvalidOperationException.With.Message.Contains("leaf"));
        var loss = y.Sum();
        loss.Backward();
        Assert.That(() => loss.Backward(), Throws.InvalidOperationException.With.Message.Contains("already been freed"));
        Assert.That(() => x.Grad = Tensor.Ones(4), Throws.ArgumentException.With.Message.Contains("[4]"));
    }

    [Test]
    public void BackwardWithSeedOnNonScalar()
    {
        var x = Tensor.FromArray([1, 2]);
        x.RequiresGrad = true;
        (x * x).Backward(Tensor.FromArray([1, 10]));
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(new float[] { 2, 40 }));
    }

    [Test]
    public void AVeryDeepGraphDoesNotOverflowTheStack()
    {
        var x = Tensor.FromArray([1f]);
        x.RequiresGrad = true;
        var y = x;
        for (int i = 0; i < 100_000; i++) y = y + 0f;
        y.Sum().Backward();
        Assert.That(x.Grad!.Item(), Is.EqualTo(1f));
    }

    [Test]
    public void AClearedGradientBufferIsReusedByTheNextBackward()
    {
        var x = Tensor.FromArray([1, 2, 3]);
        x.RequiresGrad = true;
        (x * 2f).Sum().Backward();
        var first = x.Grad!;
        x.Grad = null;
        (x * 5f).Sum().Backward();
        Assert.That(x.Grad, Is.SameAs(first));
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(new float[] { 5, 5, 5 }), "the reused buffer holds only the new gradient");
    }
}

using Regularize.Nn;
using Regularize.Tensors;

namespace Regularize.Tests.Tensors;

public class TensorScopeTests
{
    [Test]
    public void ResultsInsideAScopeAreReleasedAndTheirMemoryReused()
    {
        var x = Tensor.RandomNormal([64, 64], seed: 1);
        Tensor inside;
        float[] storage;
        using (TensorScope.Begin())
        {
            inside = x * 2f;
            storage = inside.Storage;
            Assert.That(inside.IsReleased, Is.False);
        }
        Assert.That(inside.IsReleased, Is.True);
        Assert.That(() => inside.Span.Length, Throws.InstanceOf<ObjectDisposedException>().With.Message.Contains("TensorScope"));
        Assert.That(x.IsReleased, Is.False, "tensors made outside the scope are untouched");
        using (TensorScope.Begin())
        {
            var again = x + 1f;
            Assert.That(again.Storage, Is.SameAs(storage), "the pool hands the same-size array back out");
            Assert.That(again.ToArray(), Is.EqualTo(x.ToArray().Select(v => v + 1f)));
        }
    }

    [Test]
    public void GradientsOfLeavesAndKeptTensorsOutliveTheScope()
    {
        var w = Tensor.RandomNormal([8, 4], seed: 2);
        w.RequiresGrad = true;
        Tensor kept;
        float lossValue;
        using (TensorScope.Begin())
        {
            var loss = Tensor.MatMul(Tensor.Ones(3, 8), w).Square().Mean();
            lossValue = loss.Item();
            loss.Backward();
            kept = TensorScope.Keep(loss);
        }
        Assert.That(w.Grad!.IsReleased, Is.False);
        Assert.That(kept.Item(), Is.EqualTo(lossValue));
        var expected = new float[32];
        var wv = w.ToArray();
        // loss = mean over [3,4] of (Σᵢ w[i,j])², so dL/dw[i,j] = 2·Σᵢ w[i,j]·3/12.
        for (int j = 0; j < 4; j++)
        {
            float col = 0;
            for (int i = 0; i < 8; i++) col += wv[i * 4 + j];
            for (int i = 0; i < 8; i++) expected[i * 4 + j] = col / 2f;
        }
        Assert.That(w.Grad.ToArray(), Is.EqualTo(expected).Within(1e-5));
    }

    [Test]
    public void ViewsOfOutsideTensorsDoNotGiveAwayTheirStorage()
    {
        var x = Tensor.Arange(0, 12);
        using (TensorScope.Begin())
        {
            var v = x.Reshape(3, 4);
            Assert.That(v.Storage, Is.SameAs(x.Storage));
        }
        using (TensorScope.Begin())
        {
            var y = Tensor.Empty(new Shape(12));
            Assert.That(y.Storage, Is.Not.SameAs(x.Storage));
        }
        Assert.That(x.ToArray(), Is.EqualTo(Enumerable.Range(0, 12).Select(i => (float)i)));
    }

    [Test]
    public void ScopesNestAndMustCloseInnermostFirst()
    {
        var outer = TensorScope.Begin();
        var inner = TensorScope.Begin();
        Assert.That(() => outer.Dispose(), Throws.InvalidOperationException.With.Message.Contains("innermost"));
        inner.Dispose();
        outer.Dispose();
        Assert.That(TensorScope.IsActive, Is.False);
    }

    [Test]
    public void ASteadyStateTrainingStepAllocatesLittleInsideAScope()
    {
        // A 256-128-10 MLP on a batch of 64, written with raw ops: forward, loss, backward, SGD update.
        var w1 = Tensor.RandomNormal([128, 256], 0, 0.05f, seed: 3);
        var w2 = Tensor.RandomNormal([10, 128], 0, 0.05f, seed: 4);
        w1.RequiresGrad = w2.RequiresGrad = true;
        var x = Tensor.RandomNormal([64, 256], seed: 5);
        int[] labels = Enumerable.Range(0, 64).Select(i => i % 10).ToArray();
        void Step()
        {
            using (TensorScope.Begin())
            {
                var h = Tensor.MatMul(x, w1, transposeB: true).Relu();
                var logits = Tensor.MatMul(h, w2, transposeB: true);
                var loss = logits.LogSoftmax().Gather(labels).Mean().Negate();
                loss.Backward();
            }
            foreach (var w in new[] { w1, w2 })
            {
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(w.Grad!.Span, -0.01f, w.Span, w.Span);
                w.Grad.Span.Clear();
            }
        }
        for (int i = 0; i < 3; i++) Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        const int Steps = 10;
        for (int i = 0; i < Steps; i++) Step();
        long perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / Steps;
        // The activations and gradients of one step are ~200 KB; what remains is graph bookkeeping (nodes, lists).
        long activationBytes = 4L * (64 * 128 * 3 + 64 * 10 * 4 + 128 * 256 + 10 * 128);
        TestContext.Out.WriteLine($"bytes allocated per step: {perStep} (tensor data per step: {activationBytes})");
        Assert.That(perStep, Is.LessThan(activationBytes / 10));
    }

    [Test]
    public void ASteadyStateCnnStepAllocatesOnlyGraphBookkeepingInsideAScope()
    {
        // The lab's CNN (conv, batch norm, ReLU, max-pool twice, then two linear layers with dropout) on 8 images,
        // one thread: forward, loss, backward, gradients dropped, as conv-report's step. Its activations and
        // gradients come from the scope's pool; what remains is per-op bookkeeping (tensors, nodes, input arrays).
        // Before 2026-12-02 a step allocated about 19.3 KB (per-call closures, the backward walk's collections,
        // parameter names); now about 11.9 KB.
        var model = new Sequential(new Conv2d(1, 32, 3, padding: 1, seed: 1), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
            new Conv2d(32, 64, 3, padding: 1, seed: 2), new BatchNorm2d(64), new ReLU(), new MaxPool2d(2), new Flatten(),
            new Linear(3136, 128, seed: 3), new ReLU(), new Dropout(0.25, seed: 4), new Linear(128, 10, seed: 5));
        var images = Tensor.RandomNormal([8, 1, 28, 28], seed: 7);
        int[] labels = Enumerable.Range(0, 8).ToArray();
        void Step()
        {
            using (TensorScope.Begin()) Losses.CrossEntropy(model.Forward(images), labels).Backward();
            foreach (var p in model.Parameters()) p.Grad = null;
        }
        using var limit = Parallelism.Limit(1);
        for (int i = 0; i < 3; i++) Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        const int Steps = 10;
        for (int i = 0; i < Steps; i++) Step();
        long perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / Steps;
        TestContext.Out.WriteLine($"bytes allocated per step: {perStep}");
        Assert.That(perStep, Is.LessThan(13_000));
    }
}

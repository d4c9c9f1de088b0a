using Regularize.Data;
using Regularize.Nn;
using Regularize.Tensors;
using Regularize.Training;

namespace Regularize.Tests.Training;

public class EvaluatorTests
{
    // A fixed "model": the output is the input itself (3 classes), so every metric can be worked out by hand.
    private sealed class Identity : Module
    {
        public override Tensor Forward(Tensor input) => input * 1f;
    }

    [Test]
    public void TopKPerClassAndConfusionMatchAHandCount()
    {
        float[] scores =
        [
            0.9f, 0.1f, 0.0f,   // label 0: predicted 0 (rank 0)
            0.2f, 0.7f, 0.1f,   // label 0: predicted 1; label's rank 1
            0.1f, 0.3f, 0.6f,   // label 0: predicted 2; label's rank 2
            0.0f, 0.8f, 0.2f,   // label 1: predicted 1
            0.5f, 0.1f, 0.4f,   // label 2: predicted 0; label's rank 1
        ];
        int[] labels = [0, 0, 0, 1, 2];
        var data = new InMemoryDataset(scores, labels, new Shape(3), 3);
        var model = new Identity();
        model.Train(true);
        var report = Evaluator.Evaluate(model, data, topK: 2, batchSize: 2);
        Assert.That(model.IsTraining, Is.True, "the mode is put back");
        Assert.That(report.Count, Is.EqualTo(5));
        Assert.That(report.Accuracy, Is.EqualTo(2.0 / 5));
        Assert.That(report.TopKAccuracy, Is.EqualTo(4.0 / 5), "all but the third example have their label in the top 2");
        Assert.That(report.Confusion!.ToArray(), Is.EqualTo(new[] { new long[] { 1, 1, 1 }, [0, 1, 0], [1, 0, 0] }));
        Assert.That(report.PerClassAccuracy, Is.EqualTo(new[] { 1.0 / 3, 1.0, 0.0 }));
        double loss = Losses.CrossEntropy(Tensor.FromArray(scores, 5, 3), labels).Item();
        Assert.That(report.Loss, Is.EqualTo(loss).Within(1e-6));
        Assert.That(Evaluator.Evaluate(model, data, topK: 10).TopK, Is.EqualTo(3), "k is capped at the class count");
    }

    [Test]
    public void PredictRunsInEvaluationModeInBatchesAndOutlivesScopes()
    {
        var model = new Sequential(new Linear(4, 3, seed: 2), new Dropout(0.5, seed: 1));
        var x = Tensor.RandomNormal([7, 4], seed: 3);
        Tensor y;
        using (TensorScope.Begin()) y = Evaluator.Predict(model, x, batchSize: 3);
        model.Eval();
        var expected = model.Forward(x).ToArray();
        Assert.That(y.ToArray(), Is.EqualTo(expected), "dropout off; same as one forward in eval mode");
        Assert.That(Evaluator.PredictClasses(model, x), Is.EqualTo(x.Shape[0] == 7 ? model.Forward(x).ArgMax(-1) : null));
        Assert.Throws<ArgumentException>(() => Evaluator.Predict(model, Tensor.Zeros(0, 4)));
    }

    [Test]
    public void ConfusionMatrixRejectsOutOfRangeClasses()
    {
        var m = new ConfusionMatrix(2);
        m.Add(1, 0);
        Assert.That(m.Total, Is.EqualTo(1));
        Assert.That(m.Accuracy, Is.EqualTo(0));
        Assert.That(m.PerClassAccuracy(), Is.EqualTo(new[] { double.NaN, 0.0 }));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => m.Add(2, 0))!.ParamName, Is.EqualTo("trueClass"));
    }
}

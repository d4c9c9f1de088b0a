using Regularize.Nn;
using Regularize.Tensors;

namespace Regularize.Tests.Nn;

public class ModelSummaryTests
{
    [Test]
    public void EachModuleHasItsOutputShapeAndParameterCount()
    {
        var model = new Sequential(new Linear(784, 256, seed: 1), new ReLU(), new Sequential(new Linear(256, 10, seed: 2), new Dropout(0.1, seed: 3)));
        model.Train(true);
        var summary = ModelSummary.Of(model, 2, 784);
        Assert.That(model.IsTraining, Is.True);
        Assert.That(summary.Rows.Select(r => r.Name), Is.EqualTo(new[] { "", "0", "1", "2", "2.0", "2.1" }));
        Assert.That(summary.Rows.Select(r => r.OutputShape), Is.EqualTo(new Shape?[]
            { new(2, 10), new(2, 256), new(2, 256), new(2, 10), new(2, 10), new(2, 10) }));
        Assert.That(summary.Rows.Select(r => r.ParameterCount), Is.EqualTo(new long[]
            { 784 * 256 + 256 + 2570, 784 * 256 + 256, 0, 2570, 2570, 0 }));
        Assert.That(summary.TotalParameters, Is.EqualTo(203_530));
        Assert.That(summary.Rows[1].Layer, Is.EqualTo("Linear 784->256"));
        string text = summary.ToString();
        Assert.That(text, Does.Contain("203,530 trainable parameters"));
        Assert.That(text.Split('\n'), Has.Length.EqualTo(8));
        var e = Assert.Throws<ArgumentException>(() => ModelSummary.Of(model, 2, 100))!;
        Assert.That(e.Message, Does.Contain("0 (Linear 784->256)"));
    }
}

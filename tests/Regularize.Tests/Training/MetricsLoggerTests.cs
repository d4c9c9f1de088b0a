using System.Text.Json;
using Regularize.Data;
using Regularize.Training;

namespace Regularize.Tests.Training;

public class MetricsLoggerTests
{
    [Test]
    public void CsvAndJsonLinesHoldOneRecordPerEpochWithTheMetricsValues()
    {
        var (_, trainer) = TrainingRig.SgdTrainer();
        var csv = new StringWriter();
        var json = new StringWriter();
        trainer.Callbacks.Add(new MetricsLogger(csv));
        trainer.Callbacks.Add(new MetricsLogger(json, jsonLines: true));
        var history = trainer.Fit(new DataLoader(TrainingRig.Data(16, 1), 8, seed: 2), null, 2);

        var lines = csv.ToString().TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.That(lines, Has.Length.EqualTo(3));
        Assert.That(lines[0], Does.StartWith("epoch,steps,train_loss,train_accuracy,test_loss"));
        var cells = lines[2].Split(',');
        Assert.That(cells[0], Is.EqualTo("2"));
        Assert.That(double.Parse(cells[2], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(history[1].TrainLoss), "round-trips exactly");
        Assert.That(cells[4], Is.EqualTo("NaN"), "no test set");

        var records = json.ToString().TrimEnd().Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.That(records, Has.Length.EqualTo(2));
        Assert.That(records[1].GetProperty("steps").GetInt64(), Is.EqualTo(4));
        Assert.That(records[1].GetProperty("weight_norm").GetDouble(), Is.EqualTo(history[1].WeightNorm));
        Assert.That(records[1].GetProperty("test_loss").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }
}

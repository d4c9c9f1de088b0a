using System.Globalization;
using System.Text.Json;
using Regularize.Lab.Commands;

namespace Regularize.Lab.Tests;

/// <summary>regularizers on the tiny synthetic IDX folder (8×8 images, 240 training / 60 test): the CI-sized run.</summary>
[NonParallelizable]
public class RegularizersCommandTests : SyntheticDataFixture
{
    private string[] Tiny(params string[] args) =>
        [.. args, "--data", DataPath, "--hidden", "16", "--epochs", "4", "--threads", "1", "--train-size", "120", "--validation-size", "60", "--batch-size", "32"];

    [Test]
    public void EveryArmRunsWithTheSameStartAndTheFilesHoldTheirFigures()
    {
        using var temp = new TempFolder();
        var run = LabRun.Of(Tiny("regularizers", "--lambdas", "0.5,4", "--output", temp.Path));
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        foreach (string name in new[] { "train-loss", "test-loss", "test-accuracy", "gap", "weight-norm", "gap-vs-lambda" })
        {
            Assert.That(new FileInfo(temp[name + ".png"]).Length, Is.GreaterThan(1000), name);
            Assert.That(File.ReadAllText(temp[name + ".svg"]), Does.Contain("<svg"), name);
        }
        using var json = JsonDocument.Parse(File.ReadAllText(temp["regularizers.json"]));
        var runs = json.RootElement.GetProperty("runs").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        Assert.That(runs.Keys, Is.EqualTo(new[] { "none", "wd-0.5", "wd-4", "l1", "dropout", "label-smoothing", "mixup", "ema", "swa", "early-stopping" }));

        double Final(string arm, string field) => runs[arm].GetProperty(field).GetDouble();
        double FirstEpoch(string arm, string field) => runs[arm].GetProperty("epochs")[0].GetProperty(field).GetDouble();
        // Same seed, same data order: arms that differ only after training starts have the same first step's loss.
        Assert.That(FirstEpoch("wd-4", "loopTrainLoss"), Is.EqualTo(FirstEpoch("none", "loopTrainLoss")).Within(0.05));
        // Decoupled decay shrinks the weights, more with a larger λ.
        Assert.That(Final("wd-4", "weightNorm"), Is.LessThan(Final("wd-0.5", "weightNorm")));
        Assert.That(Final("wd-0.5", "weightNorm"), Is.LessThan(Final("none", "weightNorm")));
        foreach (var (name, r) in runs)
        {
            double gap = r.GetProperty("testLoss").GetDouble() - r.GetProperty("trainLoss").GetDouble();
            Assert.That(r.GetProperty("gap").GetDouble(), Is.EqualTo(gap).Within(1e-12), name);
            int epochs = r.GetProperty("epochsRun").GetInt32();
            Assert.That(r.GetProperty("epochs").GetArrayLength(), Is.EqualTo(epochs), name);
            Assert.That(epochs, name == "early-stopping" ? Is.InRange(1, 4) : Is.EqualTo(4), name);
        }
        // Early stopping ends with the weights of its best validation epoch: its final test loss is that epoch's.
        var best = runs["early-stopping"].GetProperty("epochs").EnumerateArray().MinBy(e => e.GetProperty("validationLoss").GetDouble());
        Assert.That(Final("early-stopping", "testLoss"), Is.EqualTo(best.GetProperty("testLoss").GetDouble()).Within(1e-9));

        var csv = File.ReadAllLines(temp["regularizers.csv"]);
        Assert.That(csv[0], Does.StartWith("arm,epoch,steps,loop_train_loss,train_loss"));
        Assert.That(csv.Skip(1).Count(l => l.StartsWith("none,", StringComparison.Ordinal)), Is.EqualTo(4));
        var noneLast = csv.Last(l => l.StartsWith("none,", StringComparison.Ordinal)).Split(',');
        Assert.That(double.Parse(noneLast[4], CultureInfo.InvariantCulture), Is.EqualTo(runs["none"].GetProperty("epochs")[3].GetProperty("trainLoss").GetDouble()));
        foreach (string column in new[] { "arm", "gap", "test acc", "‖θ‖" }) Assert.That(run.Output, Does.Contain(column));
        Assert.That(run.Output, Does.Contain("wrote 14 files"));
    }

    [Test]
    public void OnlyChoosesArmsAndBadSizesAreUsageErrors()
    {
        using var temp = new TempFolder();
        var run = LabRun.Of(Tiny("regularizers", "--only", "none,ema", "--output", temp.Path));
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        using var json = JsonDocument.Parse(File.ReadAllText(temp["regularizers.json"]));
        Assert.That(json.RootElement.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("name").GetString()), Is.EqualTo(new[] { "none", "ema" }));
        Assert.That(File.Exists(temp["gap-vs-lambda.png"]), Is.False, "no λ arms, no λ plot");

        var tooMany = LabRun.Of("regularizers", "--data", DataPath, "--train-size", "200", "--validation-size", "100", "--output", temp.Path);
        Assert.That(tooMany.ExitCode, Is.EqualTo(Regularize.Lab.Cli.LabApp.UsageError));
        Assert.That(tooMany.Error, Does.Contain("need 300 training images; the data has 240"));
        var unknown = LabRun.Of("regularizers", "--data", DataPath, "--only", "sam", "--output", temp.Path);
        Assert.That(unknown.Error, Does.Contain("unknown arm 'sam'"));
        var cnn = LabRun.Of("regularizers", "--data", DataPath, "--model", "cnn", "--output", temp.Path);
        Assert.That(cnn.ExitCode, Is.EqualTo(Regularize.Lab.Cli.LabApp.UsageError));
        Assert.That(cnn.Error, Does.Contain("--model: regularizers trains the MLP (mlp) or the ResNet (resnet), not cnn."));
        var augment = LabRun.Of("regularizers", "--data", DataPath, "--augment", "--output", temp.Path);
        Assert.That(augment.ExitCode, Is.EqualTo(Regularize.Lab.Cli.LabApp.UsageError));
        Assert.That(augment.Error, Does.Contain("--augment"));
        Assert.That(RegularizersCommand.Arms(["wd", "none"], [0.1, 1], 0.05, 10).Select(a => a.Name), Is.EqualTo(new[] { "none", "wd-0.1", "wd-1" }));
    }
}

using System.Globalization;
using Regularize.Lab.Experiments;
using Regularize.Nn;

namespace Regularize.Lab.Tests;

/// <summary><c>--model cnn</c> on compare, sweep and batch-size, on the tiny synthetic IDX folder (8×8 images), and the CNN it builds.</summary>
[NonParallelizable]
public class CnnModelTests : SyntheticDataFixture
{
    private string[] Tiny(params string[] args) => [.. Cnn(args), "--batch-size", "32"];

    private string[] Cnn(params string[] args) => [.. args, "--data", DataPath, "--model", "cnn", "--channels", "4,8", "--dense", "16"];

    [Test]
    public void The_cnn_is_the_issues_network_with_the_given_widths()
    {
        var config = new TrainingConfig("unused", 1, 128, [256, 128], 3, "cnn", [32, 64], 128);
        var model = Trial.Build(config, 784, 10);
        string[] expected =
        [
            "Unflatten", "Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d", "Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d",
            "Flatten", "Linear", "ReLU", "Dropout", "Linear",
        ];
        Assert.That(model.Children().Select(m => m.GetType().Name).ToArray(), Is.EqualTo(expected));
        var shapes = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Shape.ToArray());
        Assert.That(shapes["1.weight"], Is.EqualTo(new[] { 32, 1, 3, 3 }));
        Assert.That(shapes["5.weight"], Is.EqualTo(new[] { 64, 32, 3, 3 }));
        Assert.That(shapes["10.weight"], Is.EqualTo(new[] { 128, 3136 }));
        Assert.That(shapes["13.weight"], Is.EqualTo(new[] { 10, 128 }));
        var logits = model.Forward(Tensors.Tensor.RandomNormal([2, 784], seed: 1));
        Assert.That(logits.Shape.ToArray(), Is.EqualTo(new[] { 2, 10 }));
        Assert.That(Trial.Build(config with { Model = "mlp" }, 784, 10).Children().OfType<Conv2d>(), Is.Empty, "mlp stays the MLP");
    }

    [Test]
    public void Compare_trains_the_cnn_deterministically()
    {
        using var a = new TempFolder();
        using var b = new TempFolder();
        var run = LabRun.Of(Tiny("compare", "--epochs", "2", "--variant", "adamw,sgdw", "--output", a.Path, "--threads", "1"));
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.Output, Does.Contain("CNN conv"));
        var rows = File.ReadAllLines(a["compare.csv"]);
        Assert.That(rows, Has.Length.EqualTo(1 + 2 * 2));
        double accuracy = double.Parse(rows[2].Split(',')[6], CultureInfo.InvariantCulture);
        Assert.That(accuracy, Is.InRange(0.0, 1.0));
        Assert.That(File.ReadAllText(a["compare.json"]), Does.Contain("\"model\": \"cnn\""));
        var again = LabRun.Of(Tiny("compare", "--epochs", "2", "--variant", "adamw,sgdw", "--output", b.Path));
        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
        Assert.That(WithoutSeconds(b["compare.csv"]), Is.EqualTo(WithoutSeconds(a["compare.csv"])), "1 thread and all cores give the same numbers");
    }

    [Test]
    public void Sweep_and_batch_size_take_the_cnn()
    {
        using var sweep = new TempFolder();
        var run = LabRun.Of(Tiny("sweep", "--variant", "adamw", "--lrs", "1e-3", "--weight-decays", "0,0.1", "--epochs", "1", "--output", sweep.Path));
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(File.ReadAllLines(sweep["sweep.csv"]), Has.Length.EqualTo(1 + 2));
        using var sizes = new TempFolder();
        run = LabRun.Of(Cnn("batch-size", "--batch-sizes", "64,16", "--epochs", "1", "--output", sizes.Path));
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.Output, Does.Contain("CNN conv"));
    }

    [Test]
    public void Augment_changes_the_training_but_not_the_test_data_and_resumes()
    {
        using var plain = new TempFolder();
        using var augmented = new TempFolder();
        Assert.That(LabRun.Of(Tiny("compare", "--epochs", "1", "--variant", "adamw", "--output", plain.Path)).ExitCode, Is.EqualTo(0));
        var run = LabRun.Of([.. Tiny("compare", "--epochs", "1", "--variant", "adamw", "--output", augmented.Path), "--augment"]);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.Output, Does.Contain("augmented"));
        Assert.That(WithoutSeconds(augmented["compare.csv"]), Is.Not.EqualTo(WithoutSeconds(plain["compare.csv"])), "other training inputs, other numbers");
        Assert.That(File.ReadAllText(augmented["compare.json"]), Does.Contain("\"augment\": true"));
        // The same flags give the same numbers: the transforms are seeded.
        using var again = new TempFolder();
        Assert.That(LabRun.Of([.. Tiny("compare", "--epochs", "1", "--variant", "adamw", "--output", again.Path), "--augment"]).ExitCode, Is.EqualTo(0));
        Assert.That(WithoutSeconds(again["compare.csv"]), Is.EqualTo(WithoutSeconds(augmented["compare.csv"])));
    }

    [Test]
    public void Bad_cnn_options_are_named()
    {
        var run = LabRun.Of([.. Tiny("compare", "--epochs", "1"), "--channels", "4,0"]);
        Assert.That(run.ExitCode, Is.Not.EqualTo(0));
        Assert.That(run.Error, Does.Contain("--channels"));
        run = LabRun.Of("compare", "--data", DataPath, "--model", "vgg");
        Assert.That(run.ExitCode, Is.Not.EqualTo(0));
        Assert.That(run.Error, Does.Contain("vgg"));
    }
}

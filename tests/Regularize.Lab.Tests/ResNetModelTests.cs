using System.Text.Json;
using Regularize.Lab.Cli;
using Regularize.Lab.Experiments;
using Regularize.Nn;
using Regularize.Serialization;

namespace Regularize.Lab.Tests;

/// <summary>
/// <c>--model resnet</c> and <c>--drop-path</c>: the ResNet it builds, compare with it on the tiny synthetic IDX folder
/// (8×8 images) including <c>--resume</c>, the option checks, and the stochastic depth arm of <c>regularizers</c> (on the
/// shipped 28×28 subset).
/// </summary>
[NonParallelizable]
public class ResNetModelTests : SyntheticDataFixture
{
    private string[] Tiny(params string[] args) =>
        [.. args, "--data", DataPath, "--model", "resnet", "--channels", "4,8", "--batch-size", "32", "--threads", "1"];

    [Test]
    public void The_default_resnet_has_a_stem_and_one_basic_block_per_stage()
    {
        var config = new TrainingConfig("unused", 1, 128, [256, 128], 3, "resnet");
        var model = Trial.Build(config, 784, 10);
        string[] expected =
        [
            "Unflatten", "Conv2d", "BatchNorm2d", "ReLU", "Residual", "ReLU", "Residual", "ReLU", "Residual", "ReLU",
            "AdaptiveAvgPool2d", "Flatten", "Linear",
        ];
        Assert.That(model.Children().Select(m => m.GetType().Name).ToArray(), Is.EqualTo(expected));
        var residuals = model.Children().OfType<Residual>().ToArray();
        Assert.That(residuals[0].Shortcut, Is.Null, "16 → 16 at stride 1: the identity");
        Assert.That(residuals[1].Shortcut, Is.Not.Null, "16 → 32 at stride 2: a projection");
        Assert.That(residuals[2].Shortcut, Is.Not.Null, "32 → 64 at stride 2: a projection");

        // Bias-free convolutions, two values per batch-norm channel, the linear layer's weights and bias.
        static long Conv(int i, int o, int k) => (long)i * o * k * k;
        long stem = Conv(1, 16, 3) + 2 * 16;
        long block1 = Conv(16, 16, 3) + 2 * 16 + Conv(16, 16, 3) + 2 * 16;
        long block2 = Conv(16, 32, 3) + 2 * 32 + Conv(32, 32, 3) + 2 * 32 + Conv(16, 32, 1) + 2 * 32;
        long block3 = Conv(32, 64, 3) + 2 * 64 + Conv(64, 64, 3) + 2 * 64 + Conv(32, 64, 1) + 2 * 64;
        long head = 64 * 10 + 10;
        Assert.That(model.Parameters().Sum(p => (long)p.Length), Is.EqualTo(stem + block1 + block2 + block3 + head));
        var shapes = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Shape.ToArray());
        Assert.That(shapes["8.shortcut.0.weight"], Is.EqualTo(new[] { 64, 32, 1, 1 }));
        Assert.That(shapes["12.weight"], Is.EqualTo(new[] { 10, 64 }));

        var logits = model.Forward(Tensors.Tensor.RandomNormal([2, 784], seed: 1));
        Assert.That(logits.Shape.ToArray(), Is.EqualTo(new[] { 2, 10 }));
    }

    [Test]
    public void Drop_rates_grow_linearly_with_depth_and_do_not_change_the_initial_weights()
    {
        var config = new TrainingConfig("unused", 1, 128, [256, 128], 3, "resnet", [4, 8, 8, 16, 16], DropPath: 0.2);
        var model = Trial.Build(config, 784, 10);
        double[] rates = model.NamedModules().Select(m => m.Module).OfType<DropPath>().Select(d => d.P).ToArray();
        Assert.That(rates, Is.EqualTo(new[] { 0, 0.05, 0.1, 0.15, 0.2 }).Within(1e-12));
        Assert.That(Trial.DropPathRates(0.5, 1), Is.EqualTo(new[] { 0.0 }), "one block: linspace(0, p, 1) is 0");

        var without = Trial.Build(config with { DropPath = 0 }, 784, 10);
        Assert.That(without.NamedModules().Select(m => m.Module).OfType<DropPath>().Select(d => d.P), Is.All.EqualTo(0.0));
        var a = model.NamedParameters().ToArray();
        var b = without.NamedParameters().ToArray();
        Assert.That(a.Select(p => p.Name), Is.EqualTo(b.Select(p => p.Name)));
        for (int i = 0; i < a.Length; i++)
        {
            Assert.That(a[i].Parameter.Value.ToArray(), Is.EqualTo(b[i].Parameter.Value.ToArray()), a[i].Name);
        }
        var other = Trial.Build(config with { Seed = 4 }, 784, 10);
        Assert.That(other.NamedParameters().First().Parameter.Value.ToArray(), Is.Not.EqualTo(a[0].Parameter.Value.ToArray()), "the seed matters");
    }

    [Test]
    public void Compare_trains_the_resnet_deterministically_and_resumes_bit_for_bit()
    {
        using var straight = new TempFolder();
        using var resumed = new TempFolder();
        string[] args = Tiny("compare", "--epochs", "3", "--variant", "adamw", "--drop-path", "0.5");
        var whole = LabRun.Of([.. args, "--output", straight.Path]);
        Assert.That(whole.ExitCode, Is.EqualTo(0), whole.ToString());
        Assert.That(whole.Output, Does.Contain("ResNet 4-8"));
        Assert.That(whole.Output, Does.Contain("stochastic depth up to 0.5"));
        Assert.That(File.ReadAllText(straight["compare.json"]), Does.Contain("\"model\": \"resnet\""));
        Assert.That(File.ReadAllText(straight["compare.json"]), Does.Contain("\"dropPath\": 0.5"));

        var stopped = LabRun.InterruptedAt("adamw    epoch 2/3:", [.. args, "--output", resumed.Path]);
        Assert.That(stopped.ExitCode, Is.EqualTo(130), stopped.ToString());
        string checkpoint = Path.Combine("checkpoints", "adamw.ckpt");
        Assert.That(CheckpointData.Read(resumed[checkpoint]).Progress.Epoch, Is.EqualTo(2));
        var rest = LabRun.Of([.. args, "--output", resumed.Path, "--resume"]);
        Assert.That(rest.ExitCode, Is.EqualTo(0), rest.ToString());
        Assert.That(rest.Output, Does.Contain("resuming after epoch 2/3"));
        Assert.That(WithoutSeconds(resumed["compare.csv"]), Is.EqualTo(WithoutSeconds(straight["compare.csv"])));
        Assert.That(CheckpointData.Read(resumed[checkpoint]).Differences(CheckpointData.Read(straight[checkpoint])), Is.Empty);

        // Another rate is another run: the checkpoint refuses it, and the numbers differ.
        var otherRate = LabRun.Of([.. Tiny("compare", "--epochs", "3", "--variant", "adamw", "--drop-path", "0.2"), "--output", resumed.Path, "--resume"]);
        Assert.That(otherRate.ExitCode, Is.Not.EqualTo(0), otherRate.ToString());
        Assert.That(otherRate.Error, Does.Contain("--drop-path"));
        using var none = new TempFolder();
        Assert.That(LabRun.Of([.. Tiny("compare", "--epochs", "3", "--variant", "adamw"), "--output", none.Path]).ExitCode, Is.EqualTo(0));
        Assert.That(WithoutSeconds(none["compare.csv"]), Is.Not.EqualTo(WithoutSeconds(straight["compare.csv"])), "stochastic depth changes the training");
    }

    [TestCase("-0.1")]
    [TestCase("1")]
    [TestCase("NaN")]
    public void A_drop_path_outside_0_to_1_is_a_usage_error(string p)
    {
        var run = LabRun.Of([.. Tiny("compare", "--epochs", "1"), "--drop-path", p]);
        Assert.That(run.ExitCode, Is.EqualTo(LabApp.UsageError), run.ToString());
        Assert.That(run.Error, Does.Contain("--drop-path must be in [0, 1)"));
    }

    [Test]
    public void Drop_path_needs_the_resnet()
    {
        var run = LabRun.Of("compare", "--data", DataPath, "--epochs", "1", "--drop-path", "0.1");
        Assert.That(run.ExitCode, Is.EqualTo(LabApp.UsageError), run.ToString());
        Assert.That(run.Error, Does.Contain("--drop-path applies to --model resnet only"));
    }

    [Test]
    public void Regularizers_offers_stochastic_depth_for_the_resnet_only()
    {
        string[] small = ["regularizers", "--data", DataPath, "--epochs", "1", "--threads", "1", "--train-size", "64", "--validation-size", "32", "--batch-size", "32"];
        using var resnet = new TempFolder();
        // On the shipped 28×28 subset (no --data): 64 training images, 2 epochs.
        var run = LabRun.Of("regularizers", "--model", "resnet", "--channels", "4,8", "--only", "none,dropout,stochastic-depth", "--epochs", "2",
            "--train-size", "64", "--validation-size", "32", "--batch-size", "32", "--threads", "1", "--output", resnet.Path);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.Output, Does.Contain("ResNet 4-8"));
        Assert.That(run.Output, Does.Contain("fashion-mnist: 64 training / 32 validation / 2000 test images"));
        using (var json = JsonDocument.Parse(File.ReadAllText(resnet["regularizers.json"])))
        {
            var runs = json.RootElement.GetProperty("runs").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
            Assert.That(runs.Keys, Is.EqualTo(new[] { "none", "dropout", "stochastic-depth" }));
            Assert.That(runs["stochastic-depth"].GetProperty("setting").GetString(), Does.Contain("0.2"), "the default rate");
            double Loop(string arm) => runs[arm].GetProperty("epochs")[1].GetProperty("loopTrainLoss").GetDouble();
            Assert.That(Loop("stochastic-depth"), Is.Not.EqualTo(Loop("none")), "stochastic depth changes the training");
        }
        Assert.That(Commands.RegularizersCommand.Arms(Commands.RegularizersCommand.ResNetKinds, [1], 0.05, 10, "resnet", 0.4).Single(a => a.Kind == "stochastic-depth").DropPath,
            Is.EqualTo(0.4));

        using var mlp = new TempFolder();
        var plain = LabRun.Of([.. small, "--model", "mlp", "--hidden", "16", "--output", mlp.Path]);
        Assert.That(plain.ExitCode, Is.EqualTo(0), plain.ToString());
        using (var json = JsonDocument.Parse(File.ReadAllText(mlp["regularizers.json"])))
        {
            var names = json.RootElement.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("name").GetString()).ToArray();
            Assert.That(names, Does.Not.Contain("stochastic-depth"));
            Assert.That(names, Has.Length.EqualTo(Commands.RegularizersCommand.Kinds.Count + 2), "every other arm, wd at the three default λ");
        }
        Assert.That(File.ReadAllText(mlp["regularizers.json"]), Does.Not.Contain("dropPath"), "the MLP's settings are as before");
        var asked = LabRun.Of([.. small, "--only", "stochastic-depth", "--output", mlp.Path]);
        Assert.That(asked.ExitCode, Is.EqualTo(LabApp.UsageError), asked.ToString());
        Assert.That(asked.Error, Does.Contain("stochastic-depth arm needs --model resnet"));
    }
}

using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Regularize.Lab.Experiments;

namespace Regularize.Lab.Tests;

/// <summary><c>compare --export-onnx</c> writes each trained variant as <c>&lt;variant&gt;.onnx</c>, and ONNX Runtime reproduces the lab's own test figures from it.</summary>
[NonParallelizable]
public class CompareExportOnnxTests : SyntheticDataFixture
{
    private string[] Tiny(string output, params string[] extra) =>
        ["compare", "--data", DataPath, "--hidden", "16", "--batch-size", "32", "--epochs", "2", "--variant", "sgd-l2,adamw", "--threads", "1",
         "--output", output, .. extra];

    [Test]
    public void EachTrainedVariant_IsWritten_AndOnnxRuntimeGivesTheReportedTestLossAndAccuracy()
    {
        using var run = new TempFolder();
        var result = LabRun.Of(Tiny(run.Path, "--export-onnx"));
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());

        var (_, test) = LabData.Load(DataPath);
        int n = test.Count, features = test.SampleShape.Length;
        var images = new float[n * features];
        var labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = test.Get(i, images.AsSpan(i * features, features));
        var final = File.ReadAllLines(run["compare.csv"]).Skip(1).Select(l => l.Split(',')).GroupBy(c => c[0]).ToDictionary(g => g.Key, g => g.Last());

        var losses = new List<double>();
        foreach (string variant in new[] { "sgd-l2", "adamw" })
        {
            using var session = new InferenceSession(run[variant + ".onnx"]);
            Assert.That(session.InputMetadata["input"].Dimensions, Is.EqualTo(new[] { -1, features }));
            Assert.That(session.OutputMetadata["output"].Dimensions, Is.EqualTo(new[] { -1, 10 }));
            var metadata = session.ModelMetadata.CustomMetadataMap;
            Assert.That(metadata["input"], Does.Contain("(x - 0.286) / 0.353"), "the file says how to prepare its input");
            Assert.That(metadata["variant"], Does.StartWith(variant + ":"));
            using var input = OrtValue.CreateTensorValueFromMemory(images, [n, features]);
            using var options = new RunOptions();
            using var outputs = session.Run(options, ["input"], [input], ["output"]);
            var logits = outputs[0].GetTensorDataAsSpan<float>().ToArray();

            int correct = 0;
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                var row = logits.AsSpan(i * 10, 10).ToArray();
                double max = row.Max();
                double logSum = max + Math.Log(row.Sum(z => Math.Exp(z - max)));
                loss += logSum - row[labels[i]];
                if (Array.IndexOf(row, row.Max()) == labels[i]) correct++;
            }
            loss /= n;
            losses.Add(loss);
            double reportedLoss = double.Parse(final[variant][5], CultureInfo.InvariantCulture);
            double reportedAccuracy = double.Parse(final[variant][6], CultureInfo.InvariantCulture);
            Assert.That(loss, Is.EqualTo(reportedLoss).Within(1e-3).Percent, $"{variant}: test loss from the ONNX file vs compare.csv");
            Assert.That((double)correct / n, Is.EqualTo(reportedAccuracy).Within(1e-12), $"{variant}: test accuracy from the ONNX file vs compare.csv");
        }
        Assert.That(losses[0], Is.Not.EqualTo(losses[1]).Within(1e-4).Percent, "the two files hold different trained weights");
        Assert.That(result.Output, Does.Contain($"wrote {Directory.GetFiles(run.Path).Length} files"), "the .onnx files are counted");
    }

    [TestCase("cnn")]
    [TestCase("resnet", "--drop-path", "0.3")]
    public void TheConvNets_AreWritten_AndOnnxRuntimeGivesTheReportedTestLossAndAccuracy(string model, params string[] extra)
    {
        using var run = new TempFolder();
        var result = LabRun.Of(["compare", "--data", DataPath, "--model", model, "--channels", "4,8", "--dense", "16", "--batch-size", "32",
            "--epochs", "1", "--variant", "adamw", "--threads", "1", "--output", run.Path, "--export-onnx", .. extra]);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());

        var (_, test) = LabData.Load(DataPath);
        int n = test.Count, features = test.SampleShape.Length;
        var images = new float[n * features];
        var labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = test.Get(i, images.AsSpan(i * features, features));
        var final = File.ReadAllLines(run["compare.csv"]).Skip(1).Select(l => l.Split(',')).Last(c => c[0] == "adamw");

        using var session = new InferenceSession(run["adamw.onnx"]);
        Assert.That(session.InputMetadata["input"].Dimensions, Is.EqualTo(new[] { -1, features }));
        Assert.That(session.OutputMetadata["output"].Dimensions, Is.EqualTo(new[] { -1, 10 }));
        using var input = OrtValue.CreateTensorValueFromMemory(images, [n, features]);
        using var options = new RunOptions();
        using var outputs = session.Run(options, ["input"], [input], ["output"]);
        var logits = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        int correct = 0;
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            var row = logits.AsSpan(i * 10, 10).ToArray();
            double max = row.Max();
            loss += max + Math.Log(row.Sum(z => Math.Exp(z - max))) - row[labels[i]];
            if (Array.IndexOf(row, row.Max()) == labels[i]) correct++;
        }
        Assert.That(loss / n, Is.EqualTo(double.Parse(final[5], CultureInfo.InvariantCulture)).Within(1e-3).Percent, $"{model}: test loss from the ONNX file vs compare.csv");
        Assert.That((double)correct / n, Is.EqualTo(double.Parse(final[6], CultureInfo.InvariantCulture)).Within(1e-12), $"{model}: test accuracy from the ONNX file vs compare.csv");
    }

    [Test]
    public void WithoutTheOption_NoOnnxFileIsWritten()
    {
        using var run = new TempFolder();
        var result = LabRun.Of(Tiny(run.Path));
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(Directory.GetFiles(run.Path, "*.onnx"), Is.Empty);
        Assert.That(File.Exists(run["compare.csv"]), Is.True);
    }
}

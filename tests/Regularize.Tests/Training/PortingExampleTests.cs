using System.Runtime.CompilerServices;
using Regularize.Autograd;
using Regularize.Data;
using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Regularization;
using Regularize.Schedules;
using Regularize.Serialization;
using Regularize.Tensors;
using Regularize.Tests.Data;

namespace Regularize.Tests.Training;

/// <summary>
/// The Regularize translation of the PyTorch training script in docs/porting.md, compiled and run here on a small
/// synthetic data set, and checked against the doc: the code between the <c>porting.md</c> markers below must
/// appear verbatim in the doc's C# block.
/// </summary>
public class PortingExampleTests
{
    private sealed record Result(Sequential Model, AdamW Optimizer, Scheduler Schedule, double[] Accuracies, Tensor Features, int[] Labels, string WeightsPath);

    private static Result RunTranslation(string weightsPath)
    {
        // porting.md:begin
        // Data: 256 points in 8-D, 3 classes set by two linear rules.
        var features = Tensor.RandomNormal([256, 8], seed: 0);
        var labels = new int[256];
        for (int i = 0; i < 256; i++)
        {
            labels[i] = (features[i, 0] + features[i, 1] > 0 ? 1 : 0) + (features[i, 2] > 1 ? 1 : 0);
        }
        var loader = new DataLoader(new InMemoryDataset(features, labels), batchSize: 32, shuffle: true, seed: 0);

        var model = new Sequential(
            new Linear(8, 32, seed: 1),
            new GELU(GeluApproximation.Tanh),
            new LayerNorm(32),
            new Dropout(0.1, seed: 2),
            new Linear(32, 3, seed: 3));

        // Decay the matrices only; biases and LayerNorm parameters (rank ≤ 1) get weight decay 0.
        var groups = GroupBuilder.SplitByDecay(model.Parameters(), weightDecay: 0.05);
        var optimizer = new AdamW(groups, learningRate: 2e-2);

        int epochs = 20, warmup = 20, steps = epochs * loader.BatchesPerEpoch;
        var schedule = new Scheduler(optimizer.ParameterGroups, new SequentialSchedule(
            [new LinearSchedule(2e-2, startFactor: 0.1, endFactor: 1.0, totalSteps: warmup),
             new CosineAnnealing(2e-2, tMax: steps - warmup)],
            [warmup]));
        var classWeights = Tensor.FromArray([1f, 2f, 1f], 3);

        var accuracies = new double[epochs];
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            model.Train();
            foreach (var batch in loader)
            {
                using var scope = TensorScope.Begin();
                var logits = model.Forward(batch.Inputs);
                var loss = Losses.CrossEntropy(logits, batch.Labels, labelSmoothing: 0.05, weights: classWeights);
                optimizer.ZeroGrad();
                loss.Backward();
                GradientClipping.ClipByGlobalNorm(model.Parameters(), maxNorm: 1.0);
                optimizer.Step();
                schedule.Step();
            }
            model.Eval();
            using (GradMode.NoGrad())
            using (TensorScope.Begin())
            {
                int[] predicted = model.Forward(features).ArgMax(-1);
                accuracies[epoch] = predicted.Zip(labels).Count(p => p.First == p.Second) / 256.0;
            }
        }
        ModelWeights.Save(model, weightsPath);
        // porting.md:end
        return new Result(model, optimizer, schedule, accuracies, features, labels, weightsPath);
    }

    [Test]
    public void Translation_Trains_AndEveryPortedSettingTookEffect()
    {
        string path = Path.Combine(Path.GetTempPath(), $"porting-{Environment.ProcessId}-{Guid.NewGuid():N}.safetensors");
        try
        {
            var r = RunTranslation(path);
            TestContext.Out.WriteLine($"accuracy per epoch: {string.Join(", ", r.Accuracies.Select(a => a.ToString("F3")))}");

            // The label rule is learnable: far above the 3-class chance level and the majority share.
            int majority = r.Labels.GroupBy(l => l).Max(g => g.Count());
            Assert.That(r.Accuracies[^1], Is.GreaterThan(Math.Max(0.9, majority / 256.0)));

            // Groups as in the PyTorch script: decayed matrices, undecayed biases and LayerNorm parameters.
            var names = r.Optimizer.ParameterGroups.Select(g => (g.WeightDecay, Names: g.Parameters.Select(p => p.Name).ToArray())).ToArray();
            Assert.That(names[0], Is.EqualTo((0.05, new[] { "0.weight", "4.weight" })).Using<(double, string[])>((a, b) => a.Item1 == b.Item1 && a.Item2.SequenceEqual(b.Item2)));
            Assert.That(names[1].WeightDecay, Is.EqualTo(0.0));
            Assert.That(names[1].Names, Is.EquivalentTo(new[] { "0.bias", "2.weight", "2.bias", "4.bias" }));

            // The schedule: warm-up ends at 2e-2 after 20 steps, and the cosine reaches 0 at the last step.
            Assert.That(r.Schedule.ValueAt(0, 20), Is.EqualTo(2e-2).Within(1e-15));
            Assert.That(r.Schedule.StepCount, Is.EqualTo(160));
            Assert.That(r.Optimizer.ParameterGroups[0].LearningRate, Is.EqualTo(0).Within(1e-15));

            // The saved weights reproduce the model's outputs exactly.
            var reloaded = new Sequential(new Linear(8, 32), new GELU(GeluApproximation.Tanh), new LayerNorm(32), new Dropout(0.1), new Linear(32, 3));
            ModelWeights.Load(reloaded, path);
            reloaded.Eval();
            using (GradMode.NoGrad())
            {
                Assert.That(reloaded.Forward(r.Features).ToArray(), Is.EqualTo(r.Model.Forward(r.Features).ToArray()));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Doc_HoldsTheTranslationVerbatim()
    {
        string source = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "Regularize.Tests", "Training", "PortingExampleTests.cs"));
        int begin = source.IndexOf("// porting.md:begin", StringComparison.Ordinal);
        int end = source.IndexOf("// porting.md:end", StringComparison.Ordinal);
        var lines = source[begin..end].Split('\n').Skip(1).Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToArray();
        int indent = lines.Min(l => l.Length - l.TrimStart().Length);
        var code = lines.Select(l => l[indent..]).ToArray();

        string doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "porting.md"));
        var docLines = doc.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToArray();
        int at = Array.IndexOf(docLines, code[0]);
        Assert.That(at, Is.GreaterThanOrEqualTo(0), $"docs/porting.md lacks the line '{code[0]}'");
        for (int i = 0; i < code.Length; i++)
        {
            Assert.That(at + i, Is.LessThan(docLines.Length), "docs/porting.md ends before the translation does");
            Assert.That(docLines[at + i], Is.EqualTo(code[i]), $"docs/porting.md differs from the tested translation at its line {i + 1}");
        }
    }

    // [CallerFilePath] is mapped to /_/ in a CI (deterministic) build, so files are found from the repository root.
    private static string RepositoryRoot() => RepoPaths.Root;
}

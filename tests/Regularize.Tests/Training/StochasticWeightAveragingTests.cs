using Regularize.Data;
using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Tensors;
using Regularize.Training;

namespace Regularize.Tests.Training;

public class StochasticWeightAveragingTests
{
    private static Sequential LinearBn() => new(new Linear(3, 4, seed: 1), new BatchNorm1d(4));

    [Test]
    public void AveragedModelMatchesPyTorchAfterEveryUpdate()
    {
        var reference = TrainingFixtures.Root.GetProperty("averaged_model");
        var model = LinearBn();
        var parameters = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        var names = reference.GetProperty("names").EnumerateArray().Select(n => n.GetString()!).ToArray();
        Assert.That(parameters.Keys, Is.EqualTo(names));
        var averaged = new AveragedModel(model);
        var snapshots = reference.GetProperty("snapshots").EnumerateArray().ToArray();
        var averages = reference.GetProperty("averages").EnumerateArray().ToArray();
        for (int k = 0; k < snapshots.Length; k++)
        {
            foreach (var name in names) TrainingFixtures.Floats(snapshots[k].GetProperty(name)).CopyTo(parameters[name].Value.Span);
            averaged.Update();
            Assert.That(averaged.Count, Is.EqualTo(k + 1));
            for (int i = 0; i < names.Length; i++)
            {
                Assert.That(averaged.Average(i).ToArray(), Is.EqualTo(TrainingFixtures.Floats(averages[k].GetProperty(names[i]))),
                    $"{names[i]} after {k + 1} updates, bit for bit");
            }
        }
        // The last average is the mean of all snapshots (the reference formula), to float rounding.
        var w = names.Select(n => snapshots.Select(s => TrainingFixtures.Floats(s.GetProperty(n))).ToArray()).ToArray();
        for (int j = 0; j < w[0][0].Length; j++)
        {
            double mean = w[0].Average(s => (double)s[j]);
            Assert.That(averaged.Average(0)[j], Is.EqualTo(mean).Within(1e-6));
        }
    }

    [TestCase(0, "cos", 3)]
    [TestCase(1, "linear", 3)]
    [TestCase(2, "cos", 0)]
    public void SwaLearningRateMatchesSwalr(int index, string strategy, int anneal)
    {
        var reference = TrainingFixtures.Root.GetProperty("swalr")[index];
        Assert.That(reference.GetProperty("strategy").GetString(), Is.EqualTo(strategy));
        Assert.That(reference.GetProperty("anneal_epochs").GetInt32(), Is.EqualTo(anneal));
        var schedule = new SwaLearningRate(0.1, 0.01, anneal, strategy == "cos" ? SwaAnnealing.Cosine : SwaAnnealing.Linear);
        var lrs = reference.GetProperty("lrs").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        for (int k = 0; k < lrs.Length; k++) Assert.That(schedule.At(k), Is.EqualTo(lrs[k]).Within(1e-15), $"after {k} steps");
    }

    [Test]
    public void BatchNormStatisticsMatchUpdateBn()
    {
        var reference = TrainingFixtures.Root.GetProperty("averaged_model");
        var last = reference.GetProperty("snapshots").EnumerateArray().Last();
        var model = LinearBn();
        foreach (var (name, p) in model.NamedParameters()) TrainingFixtures.Floats(last.GetProperty(name)).CopyTo(p.Value.Span);
        var bn = TrainingFixtures.Root.GetProperty("update_bn");
        var inputs = TrainingFixtures.Floats(bn.GetProperty("inputs"));
        var data = new InMemoryDataset(inputs, new int[10], new Shape(3), 1);
        var norm = (BatchNorm1d)model[1];
        norm.RunningMean!.Span.Fill(5f); // stale statistics, which the update must replace
        model.Eval();
        Assert.That(BatchNormStatistics.Update(model, data, bn.GetProperty("batch_size").GetInt32()), Is.EqualTo(1));
        Assert.That(model.IsTraining, Is.False, "the mode is put back");
        Assert.That(norm.Momentum, Is.EqualTo(0.1), "the momentum is put back");
        Assert.That(norm.RunningMean!.ToArray(), Is.EqualTo(TrainingFixtures.Floats(bn.GetProperty("running_mean"))).Within(1e-6f));
        Assert.That(norm.RunningVar!.ToArray(), Is.EqualTo(TrainingFixtures.Floats(bn.GetProperty("running_var"))).Within(1e-5f));
    }

    [Test]
    public void TheCallbackAveragesEpochEndWeightsSetsSwalrRatesAndLeavesTheAverageInTheModel()
    {
        var model = TrainingRig.Mlp(3);
        var optimizer = new Sgd(model.Parameters(), 0.2);
        var trainer = new Trainer(model, optimizer);
        var swa = new StochasticWeightAveraging(model, startEpoch: 3, swaLearningRate: 0.05, annealEpochs: 2, annealing: SwaAnnealing.Linear);
        trainer.Callbacks.Add(swa);
        var epochEnd = new List<float[][]>();
        var rates = new List<double>();
        trainer.Callbacks.Add(new Recorder(epochEnd, rates));
        var test = TrainingRig.Data(30, 8);
        var history = trainer.Fit(new DataLoader(TrainingRig.Data(40, 7), 10, seed: 2), test, 5);

        // SWA epochs 3, 4, 5 use SWALR after 0, 1, 2 steps from lr₀ = 0.2: 0.2, 0.125, 0.05.
        Assert.That(rates, Is.EqualTo(new[] { 0.2, 0.2, 0.2, 0.125, 0.05 }).Within(1e-12));
        Assert.That(history.Select(m => m.LearningRate), Is.EqualTo(new[] { 0.2, 0.2, 0.2, 0.125, 0.05 }).Within(1e-12));
        Assert.That(swa.Averaged.Count, Is.EqualTo(3));
        var weights = TrainingRig.Weights(model);
        for (int i = 0; i < weights.Length; i++)
        {
            for (int j = 0; j < weights[i].Length; j++)
            {
                double mean = (epochEnd[2][i][j] + (double)epochEnd[3][i][j] + epochEnd[4][i][j]) / 3;
                Assert.That(weights[i][j], Is.EqualTo(mean).Within(1e-6), "the model ends with the mean of the SWA epochs' weights");
            }
        }
        Assert.That(history[^1].TestLoss, Is.EqualTo(trainer.Evaluate(test).Loss).Within(1e-12), "the last evaluation was of the average");
    }

    /// <summary>Records the weights after each epoch's training (before evaluation swaps anything) and the rate in force.</summary>
    private sealed class Recorder(List<float[][]> weights, List<double> rates) : TrainerCallback
    {
        private double _rate;

        public override void OnAfterBackward(TrainingStep step) => _rate = step.Trainer.ParameterGroups[0].LearningRate;

        public override void OnEvaluating(Trainer trainer) { }

        public override void OnEpochStart(Trainer trainer, int epoch) { }

        public override void OnEpochEnd(Trainer trainer, EpochMetrics metrics) => rates.Add(_rate);

        public override void OnStepEnd(TrainingStep step)
        {
            if (step.BatchNumber == step.BatchesPerEpoch) weights.Add(TrainingRig.Weights(step.Trainer.Model!));
        }
    }
}

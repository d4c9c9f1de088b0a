using Regularize.Data;
using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Schedules;
using Regularize.Tensors;
using Regularize.Training;

namespace Regularize.Tests.Training;

public class TrainerTests
{
    // A linear softmax classifier y = x·Wᵀ + b over 3 features and 3 classes, trained by plain SGD written here.
    private sealed class Linear3
    {
        public Linear3(ulong seed)
        {
            W = new Parameter(Tensor.RandomNormal([3, 3], 0f, 0.5f, seed), "fc.weight");
            B = new Parameter(Tensor.Zeros(3), "fc.bias");
            Group = new ParameterGroup([W, B]) { LearningRate = 0.1, WeightDecay = 0 };
        }

        public Parameter W { get; }

        public Parameter B { get; }

        public ParameterGroup Group { get; }

        public List<string> Log { get; } = [];

        public Tensor Forward(Tensor x) => Tensor.MatMul(x, W.Value, transposeB: true) + B.Value;

        public Trainer Trainer(IEnumerable<Scheduler>? schedulers = null) =>
            new(Forward, t => Log.Add(t ? "train" : "eval"), [W, B], [Group], Step, ZeroGrad, schedulers, null);

        private void Step()
        {
            foreach (var p in new[] { W, B })
            {
                var v = p.Value.Span;
                var g = p.Grad!.Span;
                for (int i = 0; i < v.Length; i++) v[i] -= (float)Group.LearningRate * g[i];
            }
        }

        private void ZeroGrad()
        {
            foreach (var p in new[] { W, B }) p.Grad?.Span.Clear();
        }
    }

    private static InMemoryDataset Data(int n, ulong seed)
    {
        var rng = new Rng(seed);
        var x = new float[n * 3];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = rng.NextInt(3);
            for (int j = 0; j < 3; j++) x[i * 3 + j] = (float)rng.NextNormal() * 0.5f + (j == y[i] ? 1.5f : 0f);
        }
        return new InMemoryDataset(x, y, new Shape(3), 3);
    }

    private static object[] Numbers(EpochMetrics m) =>
        [m.Epoch, m.Steps, m.TrainLoss, m.TrainAccuracy, m.TestLoss, m.TestAccuracy, m.WeightNorm, m.DecayedWeightNorm, m.LearningRate, m.WeightDecay, m.Diverged];

    [Test]
    public void SameSeedsGiveTheSameNumbers()
    {
        IReadOnlyList<EpochMetrics> Run()
        {
            var model = new Linear3(7);
            return model.Trainer().Fit(new DataLoader(Data(50, 1), 8, seed: 3), Data(20, 2), 3);
        }

        var a = Run();
        var b = Run();
        Assert.That(a, Has.Count.EqualTo(3));
        for (int e = 0; e < 3; e++) Assert.That(Numbers(b[e]), Is.EqualTo(Numbers(a[e])));
        Assert.That(a[2].TrainLoss, Is.LessThan(a[0].TrainLoss), "sanity: SGD on separable data lowers the loss");
    }

    [Test]
    public void MetricsMatchAHandComputationWhenNothingMoves()
    {
        var model = new Linear3(11);
        model.Group.LearningRate = 0; // the step changes nothing, so every batch sees the initial weights
        var train = Data(10, 5);
        var test = Data(7, 6);
        var trainer = model.Trainer();
        var m = trainer.Fit(new DataLoader(train, 4, seed: 1), test, 1)[0];

        float[] w = model.W.Value.ToArray();
        (double loss, double acc) Expected(InMemoryDataset d)
        {
            double lossSum = 0;
            int correct = 0;
            var f = d.Features;
            for (int i = 0; i < d.Count; i++)
            {
                var z = new double[3];
                for (int c = 0; c < 3; c++)
                {
                    for (int j = 0; j < 3; j++) z[c] += (double)w[c * 3 + j] * f[i * 3 + j];
                }
                double max = z.Max();
                double logSum = max + Math.Log(z.Sum(v => Math.Exp(v - max)));
                lossSum += logSum - z[d.Labels[i]];
                if (Array.IndexOf(z, max) == d.Labels[i]) correct++;
            }
            return (lossSum / d.Count, (double)correct / d.Count);
        }

        var (trainLoss, trainAcc) = Expected(train);
        var (testLoss, testAcc) = Expected(test);
        Assert.That(m.TrainLoss, Is.EqualTo(trainLoss).Within(1e-5));
        Assert.That(m.TrainAccuracy, Is.EqualTo(trainAcc));
        Assert.That(m.TestLoss, Is.EqualTo(testLoss).Within(1e-5));
        Assert.That(m.TestAccuracy, Is.EqualTo(testAcc));
        double norm = Math.Sqrt(w.Sum(v => (double)v * v));
        Assert.That(m.DecayedWeightNorm, Is.EqualTo(norm).Within(1e-12), "the bias is not decayed");
        Assert.That(m.WeightNorm, Is.EqualTo(norm).Within(1e-12), "the bias is zero");
        Assert.That(m.Steps, Is.EqualTo(3), "10 examples in batches of 4");
        Assert.That(m.TestAccuracy, Is.EqualTo(trainer.Evaluate(test).Accuracy));
    }

    [Test]
    public void EventsComeInOrderAndEvaluationRunsInEvalMode()
    {
        var model = new Linear3(3);
        var trainer = model.Trainer();
        var events = new List<string>();
        trainer.EpochStarted += (_, e) => { events.Add($"start {e.Epoch}/{e.Epochs} ({e.BatchesPerEpoch})"); model.Log.Clear(); };
        trainer.BatchEnded += (_, e) => events.Add($"batch {e.Epoch}.{e.Batch} step {e.Step} n={e.Count}");
        trainer.EpochEnded += (_, e) => events.Add($"end {e.Metrics.Epoch} [{string.Join(",", model.Log)}]");

        trainer.Fit(new DataLoader(Data(5, 1), 2, seed: 9), Data(4, 2), 2);

        Assert.That(events, Is.EqualTo(new[]
        {
            "start 1/2 (3)", "batch 1.1 step 1 n=2", "batch 1.2 step 2 n=2", "batch 1.3 step 3 n=1", "end 1 [train,eval,train]",
            "start 2/2 (3)", "batch 2.1 step 4 n=2", "batch 2.2 step 5 n=2", "batch 2.3 step 6 n=1", "end 2 [train,eval,train]",
        }));
    }

    [Test]
    public void SchedulersStepAfterEachStepAndMetricsRecordTheValuesUsed()
    {
        var model = new Linear3(3);
        var lr = new Scheduler([model.Group], new LambdaSchedule(t => 0.1 / (1 + t)));
        var seen = new List<double>();
        var trainer = model.Trainer([lr]);
        trainer.BatchEnded += (_, _) => seen.Add(model.Group.LearningRate);
        var history = trainer.Fit(new DataLoader(Data(6, 1), 2, seed: 9), null, 2);

        Assert.That(seen, Is.EqualTo(new[] { 0.1 / 2, 0.1 / 3, 0.1 / 4, 0.1 / 5, 0.1 / 6, 0.1 / 7 }), "after step t the group holds step t+1's value");
        Assert.That(history[0].LearningRate, Is.EqualTo(0.1 / 3), "epoch 1's last step was step 2 (index 2)");
        Assert.That(history[1].LearningRate, Is.EqualTo(0.1 / 6));
        Assert.That(double.IsNaN(history[0].TestLoss) && double.IsNaN(history[0].TestAccuracy), "no test set");
    }

    [Test]
    public void ANonFiniteLossStopsTrainingAndIsReported()
    {
        var model = new Linear3(3);
        int calls = 0;
        var trainer = new Trainer(x => ++calls == 4 ? model.Forward(x) * float.NaN : model.Forward(x),
            _ => { }, [model.W, model.B], [model.Group], () => { }, () => { }, null, null);
        var history = trainer.Fit(new DataLoader(Data(10, 1), 2, seed: 1), null, 5);

        Assert.That(history, Has.Count.EqualTo(1));
        Assert.That(history[0].Diverged, Is.True);
        Assert.That(history[0].Steps, Is.EqualTo(3));
        Assert.That(trainer.StepCount, Is.EqualTo(3));
    }

    [Test]
    public void ModuleAndOptimizerConstructorTrainsDeterministically()
    {
        (IReadOnlyList<EpochMetrics> History, float[] Weights) Run()
        {
            var model = new Sequential(new Regularize.Nn.Linear(3, 8, seed: 1), new ReLU(), new Regularize.Nn.Linear(8, 3, seed: 2));
            var optimizer = new AdamW(GroupBuilder.SplitByDecay(model.Parameters(), weightDecay: 0.1), learningRate: 0.01);
            var lr = new Scheduler(optimizer.ParameterGroups, new CosineAnnealing(0.01, tMax: 21));
            var trainer = new Trainer(model, optimizer, [lr]);
            var history = trainer.Fit(new DataLoader(Data(50, 1), 8, seed: 3), Data(20, 2), 3);
            return (history, model.Parameters().SelectMany(p => p.Value.ToArray()).ToArray());
        }

        var a = Run();
        var b = Run();
        Assert.That(b.Weights, Is.EqualTo(a.Weights));
        for (int e = 0; e < 3; e++) Assert.That(Numbers(b.History[e]), Is.EqualTo(Numbers(a.History[e])));
        Assert.That(a.History[2].TrainLoss, Is.LessThan(a.History[0].TrainLoss));
        Assert.That(a.History[0].WeightDecay, Is.EqualTo(0.1), "group 0 is the decayed group");
        Assert.That(a.History[2].LearningRate, Is.EqualTo(new CosineAnnealing(0.01, tMax: 21).At(20)), "the value of the last step (step 20)");
        Assert.That(a.History[2].DecayedWeightNorm, Is.LessThan(a.History[2].WeightNorm), "biases are not counted as decayed");
    }

    [Test]
    public void ANonFiniteGradientRefusedByTheOptimizerAlsoStopsTraining()
    {
        var model = new Linear3(3);
        int steps = 0;
        var trainer = new Trainer(model.Forward, _ => { }, [model.W, model.B], [model.Group],
            () => { if (++steps == 2) throw new Regularize.Regularization.NonFiniteGradientException("fc.weight", "gradient of fc.weight is NaN"); },
            () => { }, null, null);
        var history = trainer.Fit(new DataLoader(Data(10, 1), 2, seed: 1), null, 3);
        Assert.That(history, Has.Count.EqualTo(1));
        Assert.That(history[0].Diverged, Is.True);
        Assert.That(history[0].Steps, Is.EqualTo(1));
    }

    [Test]
    public void BadArgumentsAreRejected()
    {
        var trainer = new Linear3(1).Trainer();
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(new DataLoader(Data(4, 1), 2), null, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.EvaluationBatchSize = 0);
    }
}

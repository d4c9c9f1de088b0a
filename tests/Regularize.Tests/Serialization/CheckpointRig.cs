using Regularize.Data;
using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Schedules;
using Regularize.Serialization;
using Regularize.Tensors;

namespace Regularize.Tests.Serialization;

/// <summary>
/// Everything a small training run has: the MLP of <see cref="CheckpointTestModels.Mlp"/> (BatchNorm, Dropout), an
/// optimizer over two parameter groups with different hyperparameters, a cosine learning-rate schedule, a plateau
/// scheduler on the first group's weight decay, and a shuffling loader over synthetic data (50 examples in batches of
/// 8, so every epoch ends with a partial batch). Two rigs built with different model seeds differ in every weight but
/// share their configuration.
/// </summary>
internal sealed class CheckpointRig
{
    public const int Examples = 50;
    public const int BatchSize = 8;

    /// <summary>The optimizer configurations the resume tests cover.</summary>
    public static readonly string[] Optimizers = ["Sgd", "SgdNesterov", "SgdW", "Adam", "AdamAmsGrad", "AdamW", "AdamWAmsGrad", "ScheduleFreeAdamW"];

    public CheckpointRig(ulong modelSeed, string optimizer = "AdamW")
    {
        Model = CheckpointTestModels.Mlp(modelSeed);
        var all = Model.NamedParameters().ToList();
        Groups =
        [
            new ParameterGroup(all.Where(p => p.Name.EndsWith("weight")).Select(p => p.Parameter), "weights") { LearningRate = 0.05, WeightDecay = 1e-3 },
            new ParameterGroup(all.Where(p => !p.Name.EndsWith("weight")).Select(p => p.Parameter), "others") { LearningRate = 0.02 },
        ];
        Optimizer = optimizer switch
        {
            "Sgd" => new Sgd(Groups, learningRate: 0.1, momentum: 0.9, dampening: 0.1),
            "SgdNesterov" => new Sgd(Groups, learningRate: 0.1, momentum: 0.8, nesterov: true),
            "SgdW" => new SgdW(Groups, learningRate: 0.1, momentum: 0.9, weightDecay: 1e-2),
            "Adam" => new Adam(Groups, learningRate: 1e-2, weightDecay: 1e-2),
            "AdamAmsGrad" => new Adam(Groups, learningRate: 1e-2, amsGrad: true, beta2: 0.99),
            "AdamW" => new AdamW(Groups, learningRate: 1e-2),
            "AdamWAmsGrad" => new AdamW(Groups, learningRate: 1e-2, amsGrad: true),
            "ScheduleFreeAdamW" => new ScheduleFreeAdamW(Groups, learningRate: 1e-2, weightDecay: 1e-2, warmupSteps: 5),
            _ => throw new ArgumentException(optimizer),
        };
        Lr = new Scheduler(Groups, new CosineAnnealing(baseValue: 1.0, tMax: 40), mode: ScheduleMode.MultiplyInitial);
        // Max mode on a falling loss: it keeps reducing the decay, so its counters and the reduced values matter.
        Plateau = new ReduceOnPlateau([Groups[0]], PlateauMode.Max, patience: 1, factor: 0.5, hyperparameter: Hyperparameter.WeightDecay);
        Loader = new DataLoader(Dataset(), BatchSize, shuffle: true, seed: 11);
    }

    public Sequential Model { get; }

    public ParameterGroup[] Groups { get; }

    public Optimizer Optimizer { get; }

    public Scheduler Lr { get; }

    public ReduceOnPlateau Plateau { get; }

    public DataLoader Loader { get; }

    /// <summary>Training steps <paramref name="from"/> .. <paramref name="from"/> + <paramref name="count"/> − 1; every fourth feeds the plateau scheduler.</summary>
    public void Train(long from, int count)
    {
        for (long step = from; step < from + count; step++)
        {
            using var scope = TensorScope.Begin();
            Batch batch = Loader.Next();
            Model.ZeroGrad();
            Tensor loss = Losses.CrossEntropy(Model.Forward(batch.Inputs), batch.Labels);
            loss.Backward();
            Optimizer.Step();
            Lr.Step();
            if (step % 4 == 3) Plateau.Step(loss.Item());
        }
    }

    public void Save(string path, long step) =>
        TrainingCheckpoint.Save(path, new TrainingProgress(Loader.Epoch, step), Model, Optimizer, [Lr], Loader, [Plateau]);

    public CheckpointInfo Load(string path, bool strict = true) =>
        TrainingCheckpoint.Load(path, Model, Optimizer, [Lr], Loader, [Plateau], strict);

    public CheckpointData Capture(long step) =>
        CheckpointData.Capture(new TrainingProgress(Loader.Epoch, step), Model, Optimizer, [Lr], Loader, [Plateau]);

    public static InMemoryDataset Dataset()
    {
        var rng = new Rng(2026);
        var x = new float[Examples * 4];
        rng.FillNormal(x, 0, 1);
        var y = new int[Examples];
        for (int i = 0; i < Examples; i++) y[i] = (x[4 * i] + x[4 * i + 1] > 0 ? 1 : 0) + (x[4 * i + 2] > 0.5f ? 1 : 0);
        return new InMemoryDataset(x, y, new Shape(4), classCount: 3);
    }
}

using Regularize.Data;
using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Schedules;
using Regularize.Tensors;

namespace Regularize.Tests.Serialization;

/// <summary>
/// Everything a small training run has: the MLP of <see cref="CheckpointTestModels.Mlp"/>, two parameter groups,
/// a learning-rate schedule, a plateau scheduler on the weight decay, and a shuffling loader over synthetic data.
/// Two rigs built with different model seeds differ in every weight but share their configuration.
/// </summary>
internal sealed class CheckpointRig
{
    public const int Examples = 50;
    public const int BatchSize = 8;

    public CheckpointRig(ulong modelSeed)
    {
        Model = CheckpointTestModels.Mlp(modelSeed);
        var all = Model.NamedParameters().ToList();
        Groups =
        [
            new ParameterGroup(all.Where(p => p.Name.EndsWith("weight")).Select(p => p.Parameter), "weights") { LearningRate = 0.05, WeightDecay = 1e-3 },
            new ParameterGroup(all.Where(p => !p.Name.EndsWith("weight")).Select(p => p.Parameter), "others") { LearningRate = 0.02 },
        ];
        Lr = new Scheduler(Groups, new CosineAnnealing(baseValue: 1.0, tMax: 40), mode: ScheduleMode.MultiplyInitial);
        Plateau = new ReduceOnPlateau([Groups[0]], patience: 1, factor: 0.5, hyperparameter: Hyperparameter.WeightDecay);
        Loader = new DataLoader(Dataset(), BatchSize, shuffle: true, seed: 11);
    }

    public Sequential Model { get; }

    public ParameterGroup[] Groups { get; }

    public Scheduler Lr { get; }

    public ReduceOnPlateau Plateau { get; }

    public DataLoader Loader { get; }

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

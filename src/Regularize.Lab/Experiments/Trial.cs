using Regularize.Data;
using Regularize.Nn;
using Regularize.Tensors;
using Regularize.Training;

namespace Regularize.Lab.Experiments;

/// <summary>Builds the lab's model and runs one trial.</summary>
internal static class Trial
{
    /// <summary>The MLP input → hidden… → 10 with ReLU between layers; layer k is initialised from seed·1000 + k.</summary>
    public static Sequential Mlp(int inputs, IReadOnlyList<int> hidden, int classes, ulong seed)
    {
        var model = new Sequential();
        int width = inputs;
        for (int k = 0; k < hidden.Count; k++)
        {
            model.Append(new Linear(width, hidden[k], seed: unchecked(seed * 1000 + (ulong)k)));
            model.Append(new ReLU());
            width = hidden[k];
        }
        model.Append(new Linear(width, classes, seed: unchecked(seed * 1000 + (ulong)hidden.Count)));
        return model;
    }

    /// <summary>
    /// Trains the MLP with <paramref name="spec"/> on <paramref name="train"/> and evaluates on <paramref name="test"/> after
    /// every epoch, on the calling thread. <paramref name="threads"/> bounds the threads of the matrix multiply
    /// (<see cref="Parallelism.Limit"/> on this thread) and of the optimizer step; the numbers do not depend on it.
    /// <paramref name="observe"/> may subscribe to the trainer's events. With a <paramref name="checkpoint"/>, the trial
    /// is saved after every epoch, and continues from <see cref="TrialCheckpoint.Resume"/> when that is set.
    /// <paramref name="trained"/>, if given, receives the trained model before the result is returned (to export it).
    /// </summary>
    public static TrialResult Run(TrialSpec spec, TrainingConfig config, IDataset train, IDataset test, int threads,
        Action<Trainer>? observe = null, CancellationToken cancellationToken = default,
        Regularization.DecayScaling scaling = Regularization.DecayScaling.LearningRate, TrialCheckpoint? checkpoint = null,
        Action<Sequential>? trained = null)
    {
        using var limit = Parallelism.Limit(Math.Max(1, threads));
        var model = Mlp(train.SampleShape.Length, config.Hidden, FashionMnistClasses(train), config.Seed);
        var loader = new DataLoader(train, config.BatchSize, shuffle: true, seed: config.Seed);
        long totalSteps = (long)loader.BatchesPerEpoch * config.Epochs;
        var setup = spec.Variant.Create(model.Parameters(), spec.LearningRate, spec.WeightDecay, totalSteps, threads, scaling);
        var trainer = new Trainer(model, setup.Optimizer, setup.Schedulers) { IsDecayed = Regularization.DecayMask.IsDecayedByDefault };
        double initialNorm = trainer.WeightNorms().Decayed;
        var history = new List<EpochMetrics>();
        if (checkpoint?.Resume is { } saved)
        {
            try
            {
                trainer.RestoreCheckpoint(saved.Data, loader, checkpoint.Path);
            }
            catch (Serialization.CheckpointMismatchException e)
            {
                throw new Cli.LabException($"cannot resume from {checkpoint.Path}: {Cli.LabApp.Describe(e)}", e);
            }
            initialNorm = saved.InitialDecayedWeightNorm;
            history.AddRange(saved.History);
        }
        observe?.Invoke(trainer);
        trainer.EpochEnded += (_, e) =>
        {
            history.Add(e.Metrics);
            checkpoint?.Save(trainer, loader, initialNorm, history);
        };
        if (!(checkpoint?.Resume?.Finished(config.Epochs) ?? false))
        {
            trainer.Fit(loader, test, config.Epochs - trainer.EpochCount, cancellationToken);
        }
        trained?.Invoke(model);
        return new TrialResult(spec, setup.Description, history, loader.BatchesPerEpoch, totalSteps, initialNorm, LayerStats.Of(model, setup.Optimizer));
    }

    private static int FashionMnistClasses(IDataset train) => train is InMemoryDataset d ? d.ClassCount : 10;
}

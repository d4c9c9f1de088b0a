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
    /// The CNN of issue 11 for square grey images of <paramref name="inputs"/> pixels: per width c in
    /// <paramref name="channels"/> a stage Conv2d(3×3, padding 1) → BatchNorm2d → ReLU → MaxPool2d(2), then Flatten →
    /// Linear(·, <paramref name="dense"/>) → ReLU → Dropout(0.25) → Linear(<paramref name="dense"/>, classes). With
    /// 32, 64 and 128 on 28×28 images this is Conv2d(1,32)…Linear(3136,128)…Linear(128,10). Layer k (conv and linear
    /// layers and the dropout, counted in order) is seeded from seed·1000 + k, like <see cref="Mlp"/>.
    /// </summary>
    public static Sequential Cnn(int inputs, IReadOnlyList<int> channels, int dense, int classes, ulong seed)
    {
        int side = (int)Math.Round(Math.Sqrt(inputs));
        if (side * side != inputs) throw new Cli.LabException($"--model cnn needs square grey images, but an example has {inputs} values.");
        ulong k = 0;
        ulong Next() => unchecked(seed * 1000 + k++);
        var model = new Sequential(new Unflatten(1, side, side));
        int width = 1;
        foreach (int c in channels)
        {
            model.Append(new Conv2d(width, c, 3, padding: 1, seed: Next()));
            model.Append(new BatchNorm2d(c));
            model.Append(new ReLU());
            if (side >= 2)
            {
                model.Append(new MaxPool2d(2));
                side /= 2;
            }
            width = c;
        }
        model.Append(new Flatten());
        model.Append(new Linear(width * side * side, dense, seed: Next()));
        model.Append(new ReLU());
        model.Append(new Dropout(0.25, seed: Next()));
        model.Append(new Linear(dense, classes, seed: Next()));
        return model;
    }

    /// <summary>
    /// A small ResNet (He et al. 2016) for square grey images of <paramref name="inputs"/> pixels. With widths
    /// c₀, c₁, … from <paramref name="channels"/>: a stem Conv2d(1, c₀, 3×3, padding 1) → BatchNorm2d → ReLU, then per
    /// width c_b a basic block Residual(body, shortcut) → ReLU whose body is Conv2d(3×3, stride s) → BatchNorm2d → ReLU →
    /// Conv2d(3×3) → BatchNorm2d → DropPath(p_b), with s = 1 for the first block and 2 after it, and a projection
    /// shortcut Conv2d(1×1, stride s) → BatchNorm2d when the block changes the shape (else the identity); then
    /// AdaptiveAvgPool2d(1) → Flatten → [Dropout(<paramref name="dropout"/>) when positive] → Linear(c_last, classes).
    /// The convolutions have no bias (batch norm follows each). Block b of B drops its branch with probability
    /// p_b = <paramref name="dropPath"/>·b/(B − 1) (<see cref="DropPathRates"/>). Layer k (convolutions, DropPath layers
    /// and the linear layer, counted in order) is seeded from seed·1000 + k as in <see cref="Cnn"/>; every block has its
    /// DropPath layer even when p_b = 0, so every rate starts from the same weights. The dropout is seeded from
    /// seed·1000 + 500 and does not shift the others.
    /// </summary>
    public static Sequential ResNet(int inputs, IReadOnlyList<int> channels, int classes, ulong seed, double dropPath, double dropout = 0)
    {
        int side = (int)Math.Round(Math.Sqrt(inputs));
        if (side * side != inputs) throw new Cli.LabException($"--model resnet needs square grey images, but an example has {inputs} values.");
        ulong k = 0;
        ulong Next() => unchecked(seed * 1000 + k++);
        double[] rates = DropPathRates(dropPath, channels.Count);
        int width = channels[0];
        var model = new Sequential(new Unflatten(1, side, side),
            new Conv2d(1, width, 3, padding: 1, bias: false, seed: Next()), new BatchNorm2d(width), new ReLU());
        for (int b = 0; b < channels.Count; b++)
        {
            int c = channels[b], stride = b == 0 ? 1 : 2;
            var body = new Sequential(
                new Conv2d(width, c, 3, stride: stride, padding: 1, bias: false, seed: Next()), new BatchNorm2d(c), new ReLU(),
                new Conv2d(c, c, 3, padding: 1, bias: false, seed: Next()), new BatchNorm2d(c),
                new DropPath(rates[b], seed: Next()));
            Module? shortcut = stride == 1 && width == c
                ? null
                : new Sequential(new Conv2d(width, c, 1, stride: stride, bias: false, seed: Next()), new BatchNorm2d(c));
            model.Append(new Residual(body, shortcut));
            model.Append(new ReLU());
            width = c;
        }
        model.Append(new AdaptiveAvgPool2d(1));
        model.Append(new Flatten());
        if (dropout > 0) model.Append(new Dropout(dropout, seed: unchecked(seed * 1000 + 500)));
        model.Append(new Linear(width, classes, seed: Next()));
        return model;
    }

    /// <summary>
    /// The stochastic depth rate of each of <paramref name="blocks"/> blocks for a maximum rate <paramref name="dropPath"/>:
    /// linear in depth from 0 for the first block to <paramref name="dropPath"/> for the last (timm's
    /// <c>linspace(0, drop_path_rate, depth)</c>; Huang et al.'s linear decay rule counted from the first block). One block gets 0.
    /// </summary>
    public static double[] DropPathRates(double dropPath, int blocks) =>
        [.. Enumerable.Range(0, blocks).Select(b => blocks == 1 ? 0 : dropPath * b / (blocks - 1))];

    /// <summary>The model <paramref name="config"/> asks for (<c>--model</c>), for examples of <paramref name="inputs"/> values.</summary>
    public static Sequential Build(TrainingConfig config, int inputs, int classes) => config.Model switch
    {
        "cnn" => Cnn(inputs, config.ConvChannels, config.Dense, classes, config.Seed),
        "resnet" => ResNet(inputs, config.ConvChannels, classes, config.Seed, config.DropPath),
        _ => Mlp(inputs, config.Hidden, classes, config.Seed),
    };

    /// <summary>
    /// Trains the model (<see cref="Build"/>) with <paramref name="spec"/> on <paramref name="train"/> and evaluates on <paramref name="test"/> after
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
        var model = Build(config, train.SampleShape.Length, FashionMnistClasses(train));
        var loader = new DataLoader(train, config.BatchSize, shuffle: true, seed: config.Seed, augmentation: AugmentationFor(config, train));
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
        // The model to report and export is the evaluation weights (Schedule-Free AdamW's x): Fit leaves them in place,
        // a finished run restored from its checkpoint (the training point) needs the switch.
        trainer.UseEvaluationWeights();
        trained?.Invoke(model);
        return new TrialResult(spec, setup.Description, history, loader.BatchesPerEpoch, totalSteps, initialNorm, LayerStats.Of(model, setup.Optimizer));
    }

    /// <summary>
    /// With <c>--augment</c>, <see cref="Augmentation.Standard"/> for the square grey images (padding and erased pixels
    /// are the normalised black, (0 − mean)/std of the training set); otherwise null.
    /// </summary>
    public static Augmentation? AugmentationFor(TrainingConfig config, IDataset train)
    {
        if (!config.Augment) return null;
        int side = (int)Math.Round(Math.Sqrt(train.SampleShape.Length));
        if (side * side != train.SampleShape.Length) throw new Cli.LabException($"--augment needs square grey images, but an example has {train.SampleShape.Length} values.");
        var norm = FashionMnist.TrainingSetNormalization;
        return Augmentation.Standard(1, side, side, fill: -norm.Mean / norm.Std, seed: config.Seed);
    }

    /// <summary>The number of classes of <paramref name="train"/>: its class count when it is in memory, else Fashion-MNIST's 10.</summary>
    internal static int FashionMnistClasses(IDataset train) => train is InMemoryDataset d ? d.ClassCount : 10;
}

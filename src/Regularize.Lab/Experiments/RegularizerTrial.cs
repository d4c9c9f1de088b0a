using System.Diagnostics;
using Regularize.Data;
using Regularize.Lab.Output;
using Regularize.Nn;
using Regularize.Tensors;
using Regularize.Training;

namespace Regularize.Lab.Experiments;

/// <summary>Trains one arm of the <c>regularizers</c> experiment.</summary>
internal static class RegularizerTrial
{
    /// <summary>
    /// The arm's model for <paramref name="config"/>: the ResNet (<see cref="Trial.ResNet"/>) with <c>--model resnet</c>,
    /// else the MLP (see the other overload). The ResNet has stochastic depth only in the stochastic-depth arm and a
    /// dropout layer before its linear layer only in the dropout arm; neither shifts the seeds of the weights, so every
    /// arm starts from the same weights.
    /// </summary>
    public static Sequential Model(Regularizer r, TrainingConfig config, int inputs, int classes) => config.Model == "resnet"
        ? Trial.ResNet(inputs, config.ConvChannels, classes, config.Seed, r.Kind == "stochastic-depth" ? r.DropPath : 0,
            r.Kind == "dropout" ? Regularizer.DropoutP : 0)
        : Model(r, inputs, config.Hidden, classes, config.Seed);

    /// <summary>
    /// The lab's MLP (<see cref="Trial.Mlp"/>: the same initial weights for every arm), with a dropout layer after each
    /// hidden ReLU for the dropout arm (dropout has no weights, so the linear layers start the same).
    /// </summary>
    public static Sequential Model(Regularizer r, int inputs, IReadOnlyList<int> hidden, int classes, ulong seed)
    {
        if (r.Kind != "dropout") return Trial.Mlp(inputs, hidden, classes, seed);
        // Rebuild with dropout: the Linear layers are built from the same seeds, so their weights are the same.
        var model = new Sequential();
        int width = inputs;
        for (int k = 0; k < hidden.Count; k++)
        {
            model.Append(new Linear(width, hidden[k], seed: unchecked(seed * 1000 + (ulong)k)));
            model.Append(new ReLU());
            model.Append(new Dropout(Regularizer.DropoutP, seed: unchecked(seed * 1000 + 500 + (ulong)k)));
            width = hidden[k];
        }
        model.Append(new Linear(width, classes, seed: unchecked(seed * 1000 + (ulong)hidden.Count)));
        return model;
    }

    public static RegularizerRun Run(Regularizer r, TrainingConfig config, InMemoryDataset train, InMemoryDataset validation,
        InMemoryDataset test, double learningRate, int threads, Action<Trainer>? observe, CancellationToken cancellationToken)
    {
        using var limit = Parallelism.Limit(Math.Max(1, threads));
        var clock = Stopwatch.StartNew();
        var model = Model(r, config, train.SampleShape.Length, train.ClassCount);
        var loader = new DataLoader(train, config.BatchSize, shuffle: true, seed: config.Seed);
        long totalSteps = (long)loader.BatchesPerEpoch * config.Epochs;
        var variant = Variant.Find(r.Kind == "l1" ? "adam-l1" : "adamw");
        var setup = variant.Create(model.Parameters(), learningRate, r.Kind is "wd" or "l1" ? r.Lambda : 0, totalSteps, threads);
        LossFunction? loss = r.Kind == "label-smoothing" ? (logits, labels) => Losses.CrossEntropy(logits, labels, labelSmoothing: Regularizer.LabelSmoothing) : null;
        var trainer = new Trainer(model, setup.Optimizer, setup.Schedulers, loss);
        ExponentialMovingAverage? ema = null;
        switch (r.Kind)
        {
            case "mixup":
                trainer.Callbacks.Add(new BatchMixing(new Mixup(train.ClassCount, Regularizer.MixupAlpha, seed: config.Seed)));
                break;
            case "ema":
                trainer.Callbacks.Add(ema = new ExponentialMovingAverage(model, Regularizer.EmaDecay));
                break;
            case "swa":
                int start = Math.Max(1, (int)Math.Round(Regularizer.SwaStartFraction * config.Epochs) + 1);
                trainer.Callbacks.Add(new StochasticWeightAveraging(model, Math.Min(start, config.Epochs),
                    Regularizer.SwaLearningRateFactor * learningRate, Regularizer.SwaAnnealEpochs));
                break;
        }
        var probe = new RegularizerProbe(train, validation, test); // after EMA and SWA, so it sees the weights they evaluate
        trainer.Callbacks.Add(probe);
        if (r.Kind == "early-stopping")
        {
            trainer.Callbacks.Add(new EarlyStopping(new MonitoredMetric("validation_loss", _ => probe.LastValidationLoss, false),
                Regularizer.EarlyStoppingPatience, restoreBestWeights: true));
        }
        observe?.Invoke(trainer);
        // The loop's own test figures use the arm's loss (smoothed for label smoothing); the probe's are plain cross-entropy.
        var history = trainer.Fit(loader, test, config.Epochs, cancellationToken);
        ema?.CopyToModel();

        var epochs = history.Select((m, i) =>
        {
            var (tr, va, te, norm) = probe.Epochs[i];
            return new RegularizerEpoch(m.Epoch, m.Steps, m.TrainLoss, tr.Loss, tr.Accuracy, va.Loss, te.Loss, te.Accuracy,
                te.Loss - tr.Loss, norm, m.LearningRate);
        }).ToList();
        // The final figures are those of the weights the arm ends with (EMA's average, SWA's average, early stopping's best).
        var finalTrain = RegularizerProbe.Measure(trainer, train);
        var finalTest = RegularizerProbe.Measure(trainer, test);
        clock.Stop();
        return new RegularizerRun(r.Name, r.Kind, r.Lambda, r.Setting, history.Count, finalTrain.Loss, finalTrain.Accuracy, finalTest.Loss,
            finalTest.Accuracy, finalTest.Loss - finalTrain.Loss, finalTrain.Accuracy - finalTest.Accuracy, trainer.WeightNorms().Decayed,
            Math.Round(clock.Elapsed.TotalSeconds, 3), epochs);
    }
}

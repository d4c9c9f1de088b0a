using Regularize.Schedules;
using Regularize.Serialization;

namespace Regularize.Training;

/// <summary>
/// Feeds a monitored metric to a <see cref="ReduceOnPlateau"/> after every epoch, so the learning rate (or another
/// hyperparameter) drops when the metric stops improving, as <c>torch.optim.lr_scheduler.ReduceLROnPlateau</c> used
/// with <c>scheduler.step(val_loss)</c> at the end of each epoch.
/// </summary>
/// <remarks>The plateau's own mode must agree with the metric (<see cref="PlateauMode.Min"/> for a loss); the constructor
/// checks it. A checkpoint (<see cref="Trainer.SaveCheckpoint"/>) saves the plateau's counters and best metric
/// (<see cref="ReduceOnPlateau.ExportState"/>); the values it reduced are in the optimizer's groups, saved with the
/// optimizer.</remarks>
public sealed class PlateauScheduling : TrainerCallback
{
    /// <summary>Creates the callback.</summary>
    /// <param name="plateau">The plateau schedule over the optimizer's groups.</param>
    /// <param name="metric">What to feed it; <see cref="MonitoredMetric.TestLoss"/> by default.</param>
    /// <exception cref="ArgumentException">The plateau's mode does not match the metric's direction.</exception>
    public PlateauScheduling(ReduceOnPlateau plateau, MonitoredMetric? metric = null)
    {
        ArgumentNullException.ThrowIfNull(plateau);
        Metric = metric ?? MonitoredMetric.TestLoss;
        if ((plateau.Mode == PlateauMode.Max) != Metric.HigherIsBetter)
        {
            throw new ArgumentException($"The plateau's mode is {plateau.Mode}, but {Metric.Name} is better when {(Metric.HigherIsBetter ? "higher (use PlateauMode.Max)" : "lower (use PlateauMode.Min)")}.", nameof(plateau));
        }
        Plateau = plateau;
    }

    /// <summary>The plateau schedule.</summary>
    public ReduceOnPlateau Plateau { get; }

    /// <summary>The metric fed to it.</summary>
    public MonitoredMetric Metric { get; }

    /// <inheritdoc/>
    public override void OnEpochEnd(Trainer trainer, EpochMetrics metrics)
    {
        double value = Metric.Select(metrics);
        Plateau.Step(value); // as torch, a NaN counts as an epoch without improvement
    }

    /// <inheritdoc/>
    public override CallbackState? ExportState(Trainer trainer)
    {
        var p = Plateau.ExportState();
        return new CallbackState
        {
            Integers = { ["lastStep"] = p.LastStep, ["numBadSteps"] = p.NumBadSteps, ["cooldownCounter"] = p.CooldownCounter },
            Numbers = { ["best"] = p.Best },
        };
    }

    /// <inheritdoc/>
    public override void ImportState(Trainer trainer, CallbackState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Plateau.ImportState(new ReduceOnPlateauState(
            state.GetInteger("lastStep"),
            state.GetNumber("best", allowInfinite: true),
            (int)state.GetInteger("numBadSteps", 0, int.MaxValue),
            (int)state.GetInteger("cooldownCounter", 0, int.MaxValue)));
    }
}

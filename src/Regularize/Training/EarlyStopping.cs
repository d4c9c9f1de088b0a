using Regularize.Serialization;

namespace Regularize.Training;

/// <summary>
/// Stops training when a monitored metric has not improved for <see cref="Patience"/> epochs, as Keras's
/// <c>EarlyStopping</c>, and can put back the weights of the best epoch.
/// </summary>
/// <remarks>
/// <para>After each epoch, the value v of <see cref="Metric"/> improves when v &lt; best − δ (for a loss; v &gt; best + δ
/// for an accuracy), δ = <see cref="MinDelta"/>. An improvement makes v the best and resets the count of bad epochs;
/// otherwise the count grows, and when it reaches <see cref="Patience"/> the trainer is stopped.</para>
/// <para>With <see cref="RestoreBestWeights"/>, the parameters and buffers are copied at every improvement and written
/// back when training stops or <see cref="Trainer.Fit"/> ends (the optimizer's state is not touched). The history's
/// last entry still describes the last epoch trained; <see cref="BestEpoch"/> and <see cref="BestValue"/> describe the
/// weights left in the model. With an optimizer that evaluates other weights than it trains
/// (<see cref="Optimizers.IEvaluationWeights"/>, Schedule-Free AdamW), the copy is of the evaluation weights (the
/// trainer has put them in place before <see cref="OnEpochEnd"/>), the ones the metric measured; they stay in the model
/// as its evaluation weights, and a later <c>Fit</c> goes on from the optimizer's last training weights.</para>
/// <para>A checkpoint (<see cref="Trainer.SaveCheckpoint"/>) saves the best value, the best, bad and stopped epochs and,
/// with <see cref="RestoreBestWeights"/>, the best weights (tensors <c>best.&lt;name&gt;</c>), so a resumed run stops at the
/// same epoch and ends with the same weights.</para>
/// </remarks>
public sealed class EarlyStopping : TrainerCallback
{
    private WeightSnapshot? _best;

    /// <summary>Creates the callback.</summary>
    /// <param name="metric">What to watch; <see cref="MonitoredMetric.TestLoss"/> by default.</param>
    /// <param name="patience">Epochs without improvement before stopping; at least 1.</param>
    /// <param name="minDelta">δ, the least change that counts as an improvement; ≥ 0.</param>
    /// <param name="restoreBestWeights">True to end with the weights of the best epoch.</param>
    /// <exception cref="ArgumentOutOfRangeException">The patience is below 1, or δ is negative or not finite.</exception>
    public EarlyStopping(MonitoredMetric? metric = null, int patience = 5, double minDelta = 0, bool restoreBestWeights = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(patience, 1);
        if (!(minDelta >= 0 && double.IsFinite(minDelta))) throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, $"minDelta must be >= 0 and finite, was {minDelta}.");
        Metric = metric ?? MonitoredMetric.TestLoss;
        Patience = patience;
        MinDelta = minDelta;
        RestoreBestWeights = restoreBestWeights;
        BestValue = Metric.Worst;
    }

    /// <summary>The watched metric.</summary>
    public MonitoredMetric Metric { get; }

    /// <summary>Epochs without improvement before stopping.</summary>
    public int Patience { get; }

    /// <summary>δ, the least change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>True to end with the weights of the best epoch.</summary>
    public bool RestoreBestWeights { get; }

    /// <summary>The best value seen.</summary>
    public double BestValue { get; private set; }

    /// <summary>The epoch of <see cref="BestValue"/>, or 0 before any.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>Epochs since the last improvement.</summary>
    public int BadEpochs { get; private set; }

    /// <summary>The epoch after which training was stopped, or 0 if it was not.</summary>
    public int StoppedEpoch { get; private set; }

    /// <inheritdoc/>
    public override void OnFitStart(Trainer trainer, Data.DataLoader train, int epochs)
    {
        if (RestoreBestWeights) _best ??= new WeightSnapshot(trainer);
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(Trainer trainer, EpochMetrics metrics)
    {
        double value = Metric.Select(metrics);
        if (Metric.Improves(value, BestValue, MinDelta))
        {
            BestValue = value;
            BestEpoch = metrics.Epoch;
            BadEpochs = 0;
            _best?.Capture();
            return;
        }
        BadEpochs++;
        if (BadEpochs >= Patience)
        {
            StoppedEpoch = metrics.Epoch;
            trainer.Stop();
        }
    }

    /// <inheritdoc/>
    public override void OnFitEnd(Trainer trainer, IReadOnlyList<EpochMetrics> history)
    {
        if (BestEpoch > 0) _best?.Restore();
    }

    /// <inheritdoc/>
    public override CallbackState? ExportState(Trainer trainer)
    {
        var state = new CallbackState
        {
            Integers = { ["bestEpoch"] = BestEpoch, ["badEpochs"] = BadEpochs, ["stoppedEpoch"] = StoppedEpoch },
            Numbers = { ["bestValue"] = BestValue },
        };
        if (BestEpoch > 0) _best?.Export(state, "best.");
        return state;
    }

    /// <inheritdoc/>
    public override void ImportState(Trainer trainer, CallbackState state)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(state);
        int bestEpoch = (int)state.GetInteger("bestEpoch", 0, CheckpointData.MaxEpoch);
        int badEpochs = (int)state.GetInteger("badEpochs", 0, int.MaxValue);
        int stoppedEpoch = (int)state.GetInteger("stoppedEpoch", 0, CheckpointData.MaxEpoch);
        double bestValue = state.GetNumber("bestValue", allowInfinite: true);
        WeightSnapshot? best = _best;
        if (RestoreBestWeights && bestEpoch > 0)
        {
            best ??= new WeightSnapshot(trainer);
            best.Import(state, "best."); // checks every tensor before copying any
        }
        _best = best;
        (BestEpoch, BadEpochs, StoppedEpoch, BestValue) = (bestEpoch, badEpochs, stoppedEpoch, bestValue);
    }
}

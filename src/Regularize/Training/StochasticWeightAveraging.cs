using Regularize.Nn;
using Regularize.Serialization;

namespace Regularize.Training;

/// <summary>
/// Stochastic weight averaging (Izmailov et al. 2018) as a callback, following the PyTorch recipe of
/// <c>torch.optim.swa_utils</c>: from epoch <see cref="StartEpoch"/> on, the learning rate of every group follows
/// <see cref="SwaLearningRate"/> (SWALR) and the weights are added to an <see cref="AveragedModel"/> at the end of each
/// epoch; the epochs' evaluations use the averaged weights; when <see cref="Trainer.Fit"/> ends, the average is written
/// into the model and the BatchNorm statistics are measured again for it (<see cref="BatchNormStatistics.Update"/>).
/// </summary>
/// <remarks>
/// <para>In SWA epoch j (j = 1 for <see cref="StartEpoch"/>), each group's learning rate is SWALR's value after j − 1
/// steps, lr₀ being the group's rate when epoch <see cref="StartEpoch"/> began; it is written before every batch, so it
/// overrides the trainer's schedulers for the rest of training. Before <see cref="StartEpoch"/>, nothing changes.</para>
/// <para>For evaluations with a BatchNorm model, the statistics of the averaged weights are measured on the training
/// set before each evaluation (one extra pass in evaluation), and the model's own weights and buffers are put back
/// afterwards.</para>
/// <para>With an <see cref="Optimizers.IEvaluationWeights"/> optimizer the trainer has put the evaluation weights in
/// place before <see cref="OnEvaluating"/> and <see cref="OnEpochEnd"/>, so those are the weights averaged.</para>
/// <para>A checkpoint (<see cref="Trainer.SaveCheckpoint"/>) saves the average (its count and tensors
/// <c>average.&lt;name&gt;</c>) and each group's lr₀ of SWALR, so a resumed run averages and anneals on exactly.</para>
/// </remarks>
public sealed class StochasticWeightAveraging : TrainerCallback
{
    private double[]? _startRates;
    private WeightSnapshot? _own;

    /// <summary>Creates the callback.</summary>
    /// <param name="model">The trained model.</param>
    /// <param name="startEpoch">The first SWA epoch (counted as <see cref="EpochMetrics.Epoch"/>); at least 1.</param>
    /// <param name="swaLearningRate">SWALR's target learning rate; finite and ≥ 0.</param>
    /// <param name="annealEpochs">Epochs of the annealing to it; ≥ 0 (PyTorch's default is 10).</param>
    /// <param name="annealing">The shape of the annealing (cosine, PyTorch's default).</param>
    /// <param name="updateBatchNorm">True to measure BatchNorm statistics for the averaged weights (evaluation and end).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public StochasticWeightAveraging(Module model, int startEpoch, double swaLearningRate, int annealEpochs = 10,
        SwaAnnealing annealing = SwaAnnealing.Cosine, bool updateBatchNorm = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(startEpoch, 1);
        _ = new SwaLearningRate(0, swaLearningRate, annealEpochs, annealing); // validates
        Averaged = new AveragedModel(model);
        StartEpoch = startEpoch;
        SwaLearningRateValue = swaLearningRate;
        AnnealEpochs = annealEpochs;
        Annealing = annealing;
        UpdateBatchNorm = updateBatchNorm;
    }

    /// <summary>The averaged weights.</summary>
    public AveragedModel Averaged { get; }

    /// <summary>The first SWA epoch.</summary>
    public int StartEpoch { get; }

    /// <summary>SWALR's target learning rate.</summary>
    public double SwaLearningRateValue { get; }

    /// <summary>Epochs of the annealing.</summary>
    public int AnnealEpochs { get; }

    /// <summary>The shape of the annealing.</summary>
    public SwaAnnealing Annealing { get; }

    /// <summary>True to measure BatchNorm statistics for the averaged weights.</summary>
    public bool UpdateBatchNorm { get; }

    private int _epoch;
    private bool _updated;

    /// <inheritdoc/>
    public override void OnEpochStart(Trainer trainer, int epoch)
    {
        _epoch = epoch;
        _updated = false;
        if (epoch == StartEpoch || (epoch > StartEpoch && _startRates is null))
        {
            _startRates = trainer.ParameterGroups.Select(g => g.LearningRate).ToArray();
        }
    }

    /// <inheritdoc/>
    public override void OnBatchStart(TrainingStep step)
    {
        if (_startRates is null || _epoch < StartEpoch) return;
        var groups = step.Trainer.ParameterGroups;
        for (int i = 0; i < groups.Count; i++)
        {
            groups[i].LearningRate = new SwaLearningRate(_startRates[i], SwaLearningRateValue, AnnealEpochs, Annealing).At(_epoch - StartEpoch);
        }
    }

    /// <inheritdoc/>
    public override void OnEvaluating(Trainer trainer)
    {
        if (_epoch < StartEpoch) return;
        Averaged.Update(); // the epoch's training is over: add its weights before evaluating the average
        _updated = true;
        _own ??= new WeightSnapshot(trainer);
        _own.Capture();
        Averaged.CopyToModel();
        if (UpdateBatchNorm && trainer.TrainLoader is { } loader) BatchNormStatistics.Update(Averaged.Model, loader.Dataset, loader.BatchSize);
    }

    /// <inheritdoc/>
    public override void OnEvaluated(Trainer trainer, Evaluation evaluation)
    {
        if (_epoch >= StartEpoch) _own?.Restore();
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(Trainer trainer, EpochMetrics metrics)
    {
        // Without a test set there was no evaluation: add the epoch's weights here.
        if (metrics.Epoch >= StartEpoch && !_updated) Averaged.Update();
        _updated = true;
    }

    /// <inheritdoc/>
    public override CallbackState? ExportState(Trainer trainer)
    {
        var state = new CallbackState();
        Averaged.Export(state, "average.");
        state.Integers.Add("startRates", _startRates?.Length ?? 0);
        for (int i = 0; i < (_startRates?.Length ?? 0); i++) state.Numbers.Add($"startRate{i}", _startRates![i]);
        return state;
    }

    /// <inheritdoc/>
    public override void ImportState(Trainer trainer, CallbackState state)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(state);
        int groups = trainer.ParameterGroups.Count;
        long count = state.GetInteger("startRates", 0, groups);
        if (count != 0 && count != groups)
        {
            throw new ArgumentException($"StochasticWeightAveraging: the state has SWALR start rates for {count} parameter groups, but the optimizer has {groups}.");
        }
        double[]? rates = count == 0 ? null : new double[count];
        for (int i = 0; i < count; i++)
        {
            rates![i] = state.GetNumber($"startRate{i}");
            if (rates[i] < 0) throw new ArgumentException($"StochasticWeightAveraging: start rate {i} is {rates[i]}, below 0.");
        }
        Averaged.Import(state, "average."); // checks everything before changing anything
        _startRates = rates;
    }

    /// <inheritdoc/>
    public override void OnFitEnd(Trainer trainer, IReadOnlyList<EpochMetrics> history)
    {
        if (Averaged.Count == 0) return;
        Averaged.CopyToModel();
        if (UpdateBatchNorm && trainer.TrainLoader is { } loader) BatchNormStatistics.Update(Averaged.Model, loader.Dataset, loader.BatchSize);
    }
}

using Regularize.Nn;
using Regularize.Serialization;

namespace Regularize.Training;

/// <summary>
/// An exponential moving average of a model's weights (Polyak averaging with exponential forgetting), as timm's
/// <c>ModelEmaV3</c>: after each optimizer step t = 1, 2, …, every parameter and floating buffer is updated as
/// θ̄ ← β_t·θ̄ + (1 − β_t)·θ, starting from a copy of the weights when training starts; evaluations use θ̄.
/// </summary>
/// <remarks>
/// <para>With warm-up (the default), β_t = clamp(1 − (1 + t/γ)^(−p), β_min, β), so early averages forget quickly
/// (β₁ = 1 − 2^(−2/3) ≈ 0.37 with γ = 1, p = 2/3) and β_t reaches β = 0.999 after about 31,600 steps; without it
/// β_t = β. Defaults: β = 0.9999, γ = 1, p = 2/3, β_min = 0 (timm's). <c>num_batches_tracked</c> is copied, not
/// averaged.</para>
/// <para>As a callback, it updates after every optimizer step, swaps θ̄ into the model for each evaluation and puts
/// the trained weights back afterwards; <see cref="CopyToModel"/> keeps θ̄ for good. With an
/// <see cref="Optimizers.IEvaluationWeights"/> optimizer the updates after each step average the training weights (the
/// ones in the model while stepping); Schedule-Free AdamW's x is already an average, so the two are rarely combined.</para>
/// <para>A checkpoint (<see cref="Trainer.SaveCheckpoint"/>) saves θ̄ (tensors <c>average.&lt;name&gt;</c>) and the update
/// count t, so a resumed run averages on exactly.</para>
/// </remarks>
public sealed class ExponentialMovingAverage : TrainerCallback
{
    private readonly Tensors.Tensor[] _targets;
    private readonly string[] _names;
    private readonly float[][] _average;
    private readonly bool[] _copyOnly;
    private float[][]? _swapped;

    /// <summary>Creates the average of <paramref name="model"/>'s parameters and buffers, starting from their current values.</summary>
    /// <param name="model">The model.</param>
    /// <param name="decay">β; in [0, 1].</param>
    /// <param name="warmup">True to warm the decay up as the remarks state.</param>
    /// <param name="warmupGamma">γ; positive.</param>
    /// <param name="warmupPower">p; positive.</param>
    /// <param name="minDecay">β_min; in [0, β].</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public ExponentialMovingAverage(Module model, double decay = 0.9999, bool warmup = true, double warmupGamma = 1.0,
        double warmupPower = 2.0 / 3.0, double minDecay = 0.0)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(decay >= 0 && decay <= 1)) throw new ArgumentOutOfRangeException(nameof(decay), decay, $"decay must be in [0, 1], was {decay}.");
        if (!(warmupGamma > 0 && double.IsFinite(warmupGamma))) throw new ArgumentOutOfRangeException(nameof(warmupGamma), warmupGamma, $"warmupGamma must be positive, was {warmupGamma}.");
        if (!(warmupPower > 0 && double.IsFinite(warmupPower))) throw new ArgumentOutOfRangeException(nameof(warmupPower), warmupPower, $"warmupPower must be positive, was {warmupPower}.");
        if (!(minDecay >= 0 && minDecay <= decay)) throw new ArgumentOutOfRangeException(nameof(minDecay), minDecay, $"minDecay must be in [0, decay = {decay}], was {minDecay}.");
        Decay = decay;
        Warmup = warmup;
        WarmupGamma = warmupGamma;
        WarmupPower = warmupPower;
        MinDecay = minDecay;
        var targets = model.NamedParameters().Select(p => (p.Name, p.Parameter.Value)).Concat(model.NamedBuffers()).ToList();
        _names = targets.Select(t => t.Item1).ToArray();
        _targets = targets.Select(t => t.Item2).ToArray();
        _copyOnly = targets.Select(t => t.Item1.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToArray();
        _average = _targets.Select(t => t.ToArray()).ToArray();
    }

    /// <summary>β, the decay after warm-up.</summary>
    public double Decay { get; }

    /// <summary>True when the decay warms up.</summary>
    public bool Warmup { get; }

    /// <summary>γ of the warm-up.</summary>
    public double WarmupGamma { get; }

    /// <summary>p of the warm-up.</summary>
    public double WarmupPower { get; }

    /// <summary>β_min.</summary>
    public double MinDecay { get; }

    /// <summary>The number of updates so far.</summary>
    public long Updates { get; private set; }

    /// <summary>β_t, the decay of update <paramref name="t"/> (counting from 1).</summary>
    /// <param name="t">The update number; ≥ 1.</param>
    public double DecayAt(long t)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(t, 1L);
        if (!Warmup) return Decay;
        double d = 1 - Math.Pow(1 + t / WarmupGamma, -WarmupPower);
        return Math.Clamp(d, MinDecay, Decay);
    }

    /// <summary>The average of tensor <paramref name="index"/>: the model's parameters in order, then its buffers.</summary>
    /// <param name="index">The index.</param>
    public ReadOnlySpan<float> Average(int index) => _average[index];

    /// <summary>Updates the average from the model's current weights with β_t, t = <see cref="Updates"/> + 1.</summary>
    /// <exception cref="InvalidOperationException">The average is swapped into the model.</exception>
    public void Update()
    {
        if (_swapped is not null) throw new InvalidOperationException("ExponentialMovingAverage.Update: the average is swapped into the model; swap back first.");
        Updates++;
        float beta = (float)DecayAt(Updates), keep = 1 - beta;
        for (int i = 0; i < _targets.Length; i++)
        {
            ReadOnlySpan<float> theta = _targets[i].Span;
            Span<float> avg = _average[i];
            if (_copyOnly[i])
            {
                theta.CopyTo(avg);
                continue;
            }
            for (int k = 0; k < avg.Length; k++) avg[k] = beta * avg[k] + keep * theta[k];
        }
    }

    /// <summary>Writes the average into the model for good.</summary>
    public void CopyToModel()
    {
        _swapped = null;
        for (int i = 0; i < _targets.Length; i++) _average[i].CopyTo(_targets[i].Span);
    }

    /// <summary>Swaps the average into the model, keeping the model's weights for <see cref="SwapBack"/>.</summary>
    /// <exception cref="InvalidOperationException">The average is already swapped in.</exception>
    public void SwapIn()
    {
        if (_swapped is not null) throw new InvalidOperationException("ExponentialMovingAverage.SwapIn: the average is already swapped in.");
        _swapped = _targets.Select(t => t.ToArray()).ToArray();
        for (int i = 0; i < _targets.Length; i++) _average[i].CopyTo(_targets[i].Span);
    }

    /// <summary>Puts back the weights saved by <see cref="SwapIn"/>; does nothing if none are saved.</summary>
    public void SwapBack()
    {
        if (_swapped is null) return;
        for (int i = 0; i < _targets.Length; i++) _swapped[i].CopyTo(_targets[i].Span);
        _swapped = null;
    }

    /// <inheritdoc/>
    public override void OnStepEnd(TrainingStep step) => Update();

    /// <inheritdoc/>
    public override void OnEvaluating(Trainer trainer) => SwapIn();

    /// <inheritdoc/>
    public override void OnEvaluated(Trainer trainer, Evaluation evaluation) => SwapBack();

    /// <inheritdoc/>
    public override CallbackState? ExportState(Trainer trainer)
    {
        var state = new CallbackState { Integers = { ["updates"] = Updates } };
        WeightSnapshot.ExportValues(state, "average.", _names, _targets, _average);
        return state;
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The average is swapped into the model.</exception>
    public override void ImportState(Trainer trainer, CallbackState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (_swapped is not null) throw new InvalidOperationException("ExponentialMovingAverage.ImportState: the average is swapped into the model; swap back first.");
        long updates = state.GetInteger("updates");
        WeightSnapshot.ImportValues(state, "average.", _names, _targets, _average); // checks every tensor before copying any
        Updates = updates;
    }
}

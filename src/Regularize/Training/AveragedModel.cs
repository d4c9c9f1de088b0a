using Regularize.Nn;
using Regularize.Serialization;

namespace Regularize.Training;

/// <summary>
/// The running equal-weight average of a model's parameters used by stochastic weight averaging (Izmailov et al. 2018,
/// "Averaging Weights Leads to Wider Optima and Better Generalization"), as <c>torch.optim.swa_utils.AveragedModel</c>
/// with its default average: the first update copies the weights, and the update after n earlier ones is
/// θ̄ ← θ̄ + (θ − θ̄)/(n + 1), in float32 as PyTorch computes it, so θ̄ is the mean of the n + 1 snapshots.
/// </summary>
/// <remarks>As PyTorch's default (<c>use_buffers=False</c>), buffers are not averaged; the BatchNorm statistics of the
/// averaged weights are measured again with <see cref="BatchNormStatistics.Update"/>. With <c>averageBuffers</c> the
/// floating buffers are averaged too (PyTorch's <c>use_buffers=True</c>).</remarks>
public sealed class AveragedModel
{
    private readonly Nn.Module _model;
    private readonly float[][] _average;
    private readonly Tensors.Tensor[] _targets;
    private float[][]? _swapped;

    /// <summary>Creates the average of <paramref name="model"/>'s parameters, empty until the first <see cref="Update"/>.</summary>
    /// <param name="model">The model whose weights are averaged.</param>
    /// <param name="averageBuffers">True to average the buffers too (not <c>num_batches_tracked</c>, which is copied).</param>
    public AveragedModel(Module model, bool averageBuffers = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        var targets = model.NamedParameters().Select(p => (p.Name, p.Parameter.Value)).ToList();
        if (averageBuffers) targets.AddRange(model.NamedBuffers());
        Names = targets.Select(t => t.Item1).ToArray();
        _targets = targets.Select(t => t.Item2).ToArray();
        _average = _targets.Select(t => t.ToArray()).ToArray();
    }

    /// <summary>The number of snapshots averaged so far (PyTorch's <c>n_averaged</c>).</summary>
    public long Count { get; private set; }

    /// <summary>The names of the averaged tensors, parameters first, as the model names them.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The current average of tensor <paramref name="index"/> (in <see cref="Names"/> order).</summary>
    /// <param name="index">The index.</param>
    public ReadOnlySpan<float> Average(int index) => _average[index];

    /// <summary>Adds the model's current weights to the average (PyTorch's <c>update_parameters(model)</c>).</summary>
    /// <exception cref="InvalidOperationException">The averaged weights are swapped into the model.</exception>
    public void Update()
    {
        if (_swapped is not null) throw new InvalidOperationException("AveragedModel.Update: the averaged weights are swapped into the model; swap back first.");
        float divisor = (float)(Count + 1);
        for (int i = 0; i < _targets.Length; i++)
        {
            ReadOnlySpan<float> theta = _targets[i].Span;
            Span<float> avg = _average[i];
            if (Count == 0 || Names[i].EndsWith("num_batches_tracked", StringComparison.Ordinal))
            {
                theta.CopyTo(avg);
                continue;
            }
            for (int k = 0; k < avg.Length; k++) avg[k] += (theta[k] - avg[k]) / divisor;
        }
        Count++;
    }

    /// <summary>Writes the average into the model (for good, e.g. at the end of training).</summary>
    /// <exception cref="InvalidOperationException">Nothing has been averaged yet.</exception>
    public void CopyToModel()
    {
        if (Count == 0) throw new InvalidOperationException("AveragedModel.CopyToModel: nothing has been averaged yet; call Update first.");
        _swapped = null;
        for (int i = 0; i < _targets.Length; i++) _average[i].CopyTo(_targets[i].Span);
    }

    /// <summary>Swaps the average into the model, keeping the model's own weights to put back with <see cref="SwapBack"/>.</summary>
    /// <exception cref="InvalidOperationException">Nothing has been averaged yet, or the average is already swapped in.</exception>
    public void SwapIn()
    {
        if (Count == 0) throw new InvalidOperationException("AveragedModel.SwapIn: nothing has been averaged yet; call Update first.");
        if (_swapped is not null) throw new InvalidOperationException("AveragedModel.SwapIn: the average is already swapped in.");
        _swapped = _targets.Select(t => t.ToArray()).ToArray();
        for (int i = 0; i < _targets.Length; i++) _average[i].CopyTo(_targets[i].Span);
    }

    /// <summary>Puts back the model's own weights saved by <see cref="SwapIn"/>; does nothing if none are saved.</summary>
    public void SwapBack()
    {
        if (_swapped is null) return;
        for (int i = 0; i < _targets.Length; i++) _swapped[i].CopyTo(_targets[i].Span);
        _swapped = null;
    }

    /// <summary>The model whose weights are averaged.</summary>
    public Module Model => _model;

    /// <summary>Adds <see cref="Count"/> (as <c>{prefix}count</c>) and, once something was averaged, the averages (tensors prefix + name) to a callback's state.</summary>
    internal void Export(CallbackState state, string prefix)
    {
        state.Integers.Add(prefix + "count", Count);
        if (Count > 0) WeightSnapshot.ExportValues(state, prefix, [.. Names], _targets, _average);
    }

    /// <summary>Takes what <see cref="Export"/> saved, checking everything before changing anything.</summary>
    /// <exception cref="ArgumentException">The count or a tensor is missing or out of range.</exception>
    /// <exception cref="InvalidOperationException">The averaged weights are swapped into the model.</exception>
    internal void Import(CallbackState state, string prefix)
    {
        if (_swapped is not null) throw new InvalidOperationException("AveragedModel: the averaged weights are swapped into the model; swap back first.");
        long count = state.GetInteger(prefix + "count");
        if (count > 0) WeightSnapshot.ImportValues(state, prefix, [.. Names], _targets, _average);
        Count = count;
    }
}

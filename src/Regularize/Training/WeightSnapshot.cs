using Regularize.Nn;
using Regularize.Serialization;
using Regularize.Tensors;

namespace Regularize.Training;

/// <summary>A copy of the values of some parameters and buffers, to put back later (best weights, averaged weights).</summary>
internal sealed class WeightSnapshot
{
    private readonly Tensor[] _targets;
    private readonly string[] _names;
    private readonly float[][] _values;

    public WeightSnapshot(Trainer trainer, bool buffers = true)
    {
        var targets = trainer.Parameters.Select(p => (p.Name, p.Value)).ToList();
        if (buffers && trainer.Model is { } model) targets.AddRange(model.NamedBuffers());
        _names = targets.Select(t => t.Item1).ToArray();
        _targets = targets.Select(t => t.Item2).ToArray();
        _values = _targets.Select(t => t.ToArray()).ToArray();
    }

    /// <summary>Copies the current values in.</summary>
    public void Capture()
    {
        for (int i = 0; i < _targets.Length; i++) _targets[i].Span.CopyTo(_values[i]);
    }

    /// <summary>Writes the copied values back.</summary>
    public void Restore()
    {
        for (int i = 0; i < _targets.Length; i++) _values[i].CopyTo(_targets[i].Span);
    }

    /// <summary>Adds copies of the values to <paramref name="state"/>, named <paramref name="prefix"/> + the tensor's name.</summary>
    public void Export(CallbackState state, string prefix) => ExportValues(state, prefix, _names, _targets, _values);

    /// <summary>Takes the values saved by <see cref="Export"/>, checking every name and shape before copying any.</summary>
    /// <exception cref="ArgumentException">A tensor is missing or has another shape.</exception>
    public void Import(CallbackState state, string prefix) => ImportValues(state, prefix, _names, _targets, _values);

    /// <summary>Adds <paramref name="values"/> (shaped as <paramref name="targets"/>) to <paramref name="state"/> as tensors named prefix + name.</summary>
    internal static void ExportValues(CallbackState state, string prefix, string[] names, Tensor[] targets, float[][] values)
    {
        for (int i = 0; i < names.Length; i++)
        {
            Tensor copy = targets[i].Rank == 0 ? Tensor.Scalar(values[i][0]) : Tensor.FromArray(values[i], targets[i].Shape.ToArray());
            state.Tensors.Add(prefix + names[i], copy);
        }
    }

    /// <summary>Reads every tensor prefix + name (checked against the target's shape), then copies them all into <paramref name="values"/>.</summary>
    internal static void ImportValues(CallbackState state, string prefix, string[] names, Tensor[] targets, float[][] values)
    {
        var saved = new Tensor[names.Length];
        for (int i = 0; i < names.Length; i++) saved[i] = state.GetTensor(prefix + names[i], targets[i].Shape);
        for (int i = 0; i < names.Length; i++) saved[i].Span.CopyTo(values[i]);
    }
}

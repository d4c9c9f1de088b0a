using Regularize.Nn;
using Regularize.Tensors;

namespace Regularize.Training;

/// <summary>A copy of the values of some parameters and buffers, to put back later (best weights, averaged weights).</summary>
internal sealed class WeightSnapshot
{
    private readonly Tensor[] _targets;
    private readonly float[][] _values;

    public WeightSnapshot(Trainer trainer, bool buffers = true)
    {
        var targets = trainer.Parameters.Select(p => p.Value).ToList();
        if (buffers && trainer.Model is { } model) targets.AddRange(model.NamedBuffers().Select(b => b.Buffer));
        _targets = targets.ToArray();
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
}

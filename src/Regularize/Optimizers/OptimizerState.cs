namespace Regularize.Optimizers;

/// <summary>
/// An optimizer's state as plain data: per-group hyperparameters and per-parameter tensors and step
/// counts, keyed by parameter name. Made of strings, doubles, longs, <c>int[]</c> and <c>float[]</c>
/// only, so it serializes as it is (checkpoints write it to files).
/// </summary>
public sealed class OptimizerState
{
    /// <summary>The optimizer's type name (<c>AdamW</c>, <c>Sgd</c>...); importing into another type fails.</summary>
    public string Optimizer { get; set; } = string.Empty;

    /// <summary>The parameter groups, in order.</summary>
    public List<GroupState> Groups { get; set; } = [];

    /// <summary>The per-parameter state of every parameter that has any, keyed by parameter name.</summary>
    public Dictionary<string, ParameterState> Parameters { get; set; } = [];
}

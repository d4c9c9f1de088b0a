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

/// <summary>One parameter group's hyperparameters and the names of its parameters.</summary>
public sealed class GroupState
{
    /// <summary>The group's label.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The names of the group's parameters, in order.</summary>
    public List<string> ParameterNames { get; set; } = [];

    /// <summary>
    /// The hyperparameters by name: <c>learningRate</c>, <c>weightDecay</c>, <c>momentum</c>, <c>beta1</c>,
    /// <c>beta2</c>, <c>epsilon</c>, <c>dampening</c>, <c>l1</c>; flags as 0 or 1 (<c>nesterov</c>,
    /// <c>amsGrad</c>, <c>maximize</c>); <c>l1Mode</c> as 0 (proximal) or 1 (subgradient);
    /// <c>initialLearningRate</c> and, when set, <c>scheduleMultiplier</c>.
    /// </summary>
    public Dictionary<string, double> Hyperparameters { get; set; } = [];
}

/// <summary>One parameter's optimizer state: a step count and named tensors.</summary>
public sealed class ParameterState
{
    /// <summary>The number of steps applied to the parameter (Adam's t); 0 where the optimizer keeps none.</summary>
    public long Step { get; set; }

    /// <summary>The named state tensors (<c>m</c>, <c>v</c>, <c>vMax</c>, <c>momentumBuffer</c>), each with the parameter's shape.</summary>
    public Dictionary<string, TensorState> Tensors { get; set; } = [];
}

/// <summary>A tensor as plain data: its shape and its elements in row-major order.</summary>
public sealed class TensorState
{
    /// <summary>The dimensions.</summary>
    public int[] Shape { get; set; } = [];

    /// <summary>The elements, row-major.</summary>
    public float[] Data { get; set; } = [];
}

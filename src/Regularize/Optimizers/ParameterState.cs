namespace Regularize.Optimizers;

/// <summary>One parameter's optimizer state: a step count and named tensors.</summary>
public sealed class ParameterState
{
    /// <summary>The number of steps applied to the parameter (Adam's t); 0 where the optimizer keeps none.</summary>
    public long Step { get; set; }

    /// <summary>The named state tensors (<c>m</c>, <c>v</c>, <c>vMax</c>, <c>momentumBuffer</c>), each with the parameter's shape.</summary>
    public Dictionary<string, TensorState> Tensors { get; set; } = [];
}

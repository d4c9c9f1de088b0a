namespace Regularize.Optimizers;

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

using Regularize.Tensors;

namespace Regularize.Training;

/// <summary>A loss of logits <c>[N, C]</c> against N class labels, reduced to a scalar mean.</summary>
/// <param name="logits">The model's output for a batch.</param>
/// <param name="labels">The batch's labels.</param>
public delegate Tensor LossFunction(Tensor logits, int[] labels);

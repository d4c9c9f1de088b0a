using Regularize.Tensors;

namespace Regularize.Training;

/// <summary>A loss of a model's output against float targets of a batch (<see cref="Data.Batch.Targets"/>), reduced to a scalar mean.</summary>
/// <param name="output">The model's output for a batch.</param>
/// <param name="targets">The batch's targets.</param>
public delegate Tensor TargetLossFunction(Tensor output, Tensor targets);

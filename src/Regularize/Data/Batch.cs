using Regularize.Tensors;

namespace Regularize.Data;

/// <summary>
/// One mini-batch from a <see cref="DataLoader"/>.
/// </summary>
/// <remarks>
/// The tensor and the label array belong to the loader and are <b>overwritten by the next batch</b>:
/// use or copy them before asking for another. Full batches share one pair of buffers, and a final
/// partial batch has its own pair (allocated once), so <see cref="Inputs"/>'s first dimension and
/// <see cref="Labels"/>'s length are always <see cref="Count"/>.
/// <para>Datasets with targets other than class labels (<see cref="ITargetDataset"/>) also fill <see cref="Targets"/>;
/// batch transforms such as <see cref="Mixup"/> put soft class probabilities there.</para>
/// </remarks>
/// <param name="Inputs">The examples' features, shape <c>[Count, ...SampleShape]</c>.</param>
/// <param name="Labels">The examples' labels, <see cref="Count"/> of them.</param>
/// <param name="Count">The number of examples in the batch.</param>
/// <param name="Epoch">The epoch the batch belongs to, counting from 0.</param>
/// <param name="Index">The batch's position within its epoch, counting from 0.</param>
/// <param name="Targets">Float targets <c>[Count, ...TargetShape]</c> (class probabilities, regression values or
/// multi-label indicators), or null when the labels are the targets.</param>
/// <param name="TargetKind">What <see cref="Targets"/> holds; <see cref="Data.TargetKind.ClassIndices"/> when it is null.</param>
public readonly record struct Batch(Tensor Inputs, int[] Labels, int Count, int Epoch, int Index,
    Tensor? Targets = null, TargetKind TargetKind = TargetKind.ClassIndices);

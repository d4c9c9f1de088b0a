using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>One module of a <see cref="ModelSummary"/>.</summary>
/// <param name="Name">The module's dotted name relative to the summarised model (empty for the model itself).</param>
/// <param name="Layer">The module's type and configuration, e.g. <c>Linear 784-&gt;256</c>.</param>
/// <param name="Depth">The depth in the tree (0 for the model).</param>
/// <param name="OutputShape">The output shape for the summary's input, or null when it is not observable (a child of a
/// module other than <see cref="Sequential"/>, whose forward pass calls it internally).</param>
/// <param name="ParameterCount">The number of trainable scalars of this module and its descendants.</param>
public sealed record ModelSummaryRow(string Name, string Layer, int Depth, Shape? OutputShape, long ParameterCount);

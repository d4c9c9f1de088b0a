
namespace Regularize.Tensors;

/// <summary>The derivative rule of one primitive: given dL/d(output), add each input's share via <see cref="Node.Propagate"/>.</summary>
internal delegate void BackwardRule(Node node, Tensor gradOutput);

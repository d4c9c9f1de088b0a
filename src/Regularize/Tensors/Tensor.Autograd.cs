
namespace Regularize.Tensors;

public sealed partial class Tensor
{
    private bool _requiresGrad;
    private Tensor? _grad;
    private Tensor? _spareGrad;

    /// <summary>
    /// Whether gradients flow to this tensor. Set it on leaves (inputs, parameters); results of recorded
    /// operations require gradients when any operand does.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set on a tensor computed by a recorded operation.</exception>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (GradFn is not null)
            {
                throw new InvalidOperationException(
                    $"RequiresGrad can only be set on a leaf tensor; this {Shape} tensor was computed by {GradFn.Op}. Use Detach() for a leaf copy.");
            }
            _requiresGrad = value;
        }
    }

    /// <summary>True when this tensor was not computed by a recorded operation.</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>The operation that computed this tensor, when it was recorded.</summary>
    internal Node? GradFn { get; private set; }

    /// <summary>
    /// The gradient accumulated by <see cref="Backward()"/> calls into this leaf (null until the first). Gradients
    /// add up across calls until cleared by setting this to null, as in PyTorch. A cleared gradient's buffer is kept
    /// and reused by the next backward pass (so clearing does not cost an allocation per step): do not hold on to
    /// a gradient tensor after clearing it and expect its values to stay.
    /// </summary>
    /// <exception cref="ArgumentException">A gradient of another shape is assigned.</exception>
    public Tensor? Grad
    {
        get => _grad;
        set
        {
            if (value is not null && value.Shape != Shape)
            {
                throw new ArgumentException($"Gradient of shape {value.Shape} assigned to a tensor of shape {Shape}.", nameof(value));
            }
            if (value is null && _grad is not null && !_grad.IsReleased && _grad.Shape == Shape) _spareGrad = _grad;
            _grad = value;
        }
    }

    internal void SetGradFn(Node node)
    {
        GradFn = node;
        _requiresGrad = true;
    }

    /// <summary>
    /// The buffer this leaf's gradient accumulates in, for a derivative rule that writes its share there directly
    /// (a matrix product with beta = 1, a column sum) instead of handing over a temporary to add. When
    /// <paramref name="accumulate"/> is false the buffer is new or recycled and the rule must overwrite all of it;
    /// otherwise it holds the gradient so far and the rule must add to it. Null when the buffer would share storage
    /// with <paramref name="read"/> or <paramref name="read2"/>, the tensors the rule reads while writing.
    /// </summary>
    internal Tensor? GradAccumulator(Tensor read, Tensor? read2, out bool accumulate)
    {
        accumulate = _grad is not null;
        var buffer = _grad ?? _spareGrad;
        if (buffer is not null && (buffer.SharesStorage(read) || (read2 is not null && buffer.SharesStorage(read2))))
        {
            return null;
        }
        // A new gradient is made outside any scope and in its own lane, like those AccumulateGrad makes.
        _grad = buffer ?? StaggeredAllocator.Zeros(Shape, StaggeredAllocator.GradientLane);
        _spareGrad = null;
        return _grad;
    }

    private bool SharesStorage(Tensor other) => ReferenceEquals(Storage, other.Storage);

    internal void AccumulateGrad(Tensor grad)
    {
        if (_grad is null)
        {
            if (_spareGrad is not null)
            {
                grad.Span.CopyTo(_spareGrad.Span);
                _grad = _spareGrad;
                _spareGrad = null;
            }
            else
            {
                // Its own lane, so an optimizer pass over θ, g, m and v does not hit the same cache sets in every stream.
                _grad = TensorScope.Untracked(() => StaggeredAllocator.Zeros(grad.Shape, StaggeredAllocator.GradientLane));
                grad.Span.CopyTo(_grad.Span);
            }
        }
        else
        {
            System.Numerics.Tensors.TensorPrimitives.Add(_grad.Span, grad.Span, _grad.Span);
        }
    }

    /// <summary>Back-propagates from this one-element tensor (a loss): dL/dL = 1; the graph is freed afterwards.</summary>
    /// <exception cref="InvalidOperationException">The tensor has more than one element, does not require gradients, or its graph was already used.</exception>
    public void Backward() => Backward(retainGraph: false);

    /// <summary>
    /// Back-propagates from this one-element tensor (a loss): dL/dL = 1. With <paramref name="retainGraph"/> the graph
    /// is kept, so a later <c>Backward</c> can walk it again (the gradients of both passes add up, as in PyTorch's
    /// <c>backward(retain_graph=True)</c>); without it the graph is freed, and a second pass through it throws.
    /// </summary>
    /// <param name="retainGraph">Keep the graph for another backward pass.</param>
    /// <exception cref="InvalidOperationException">The tensor has more than one element, does not require gradients, or its graph was already freed.</exception>
    public void Backward(bool retainGraph)
    {
        if (Length != 1)
        {
            throw new InvalidOperationException(
                $"Backward() without a seed gradient needs a one-element tensor (a loss), but the shape is {Shape}; pass Backward(seed) with a gradient of that shape.");
        }
        Backward(Full(1f, Shape.ToArray()), retainGraph);
    }

    /// <summary>
    /// Back-propagates <paramref name="seed"/> = dL/d(this) through the recorded graph, accumulating into the leaves'
    /// <see cref="Grad"/>; the graph is freed afterwards unless <paramref name="retainGraph"/>.
    /// </summary>
    /// <param name="seed">dL/d(this), of this tensor's shape.</param>
    /// <param name="retainGraph">Keep the graph for another backward pass (PyTorch's <c>retain_graph=True</c>).</param>
    /// <exception cref="ArgumentException">The seed's shape differs from this tensor's.</exception>
    /// <exception cref="InvalidOperationException">This tensor does not require gradients, or its graph was already freed.</exception>
    public void Backward(Tensor seed, bool retainGraph = false)
    {
        ArgumentNullException.ThrowIfNull(seed);
        if (!RequiresGrad)
        {
            throw new InvalidOperationException(
                $"Backward() on a {Shape} tensor that does not require gradients: no operand of the computation had RequiresGrad set, or it was computed under GradMode.NoGrad().");
        }
        if (seed.Shape != Shape)
        {
            throw new ArgumentException($"Backward: seed gradient shape {seed.Shape} differs from the tensor's shape {Shape}.", nameof(seed));
        }
        Engine.Backward(this, seed, retainGraph);
    }

    /// <summary>A leaf that shares this tensor's storage but is cut off from the graph (no gradient flows through it).</summary>
    public Tensor Detach() => View(Storage, Offset, Shape);
}


namespace Regularize.Tensors;

/// <summary>
/// One recorded operation: the rule that differentiates it, its inputs, and what the rule needs from the forward pass.
/// The graph is the web of nodes reachable from a result through <see cref="Inputs"/>; <see cref="Engine"/> walks it.
/// </summary>
internal sealed class Node
{
    public Node(string op, BackwardRule rule, Tensor[] inputs, Shape outputShape)
    {
        Op = op;
        Rule = rule;
        Inputs = inputs;
        OutputShape = outputShape;
    }

    /// <summary>The op's name, for messages.</summary>
    public string Op { get; }

    public BackwardRule Rule { get; }

    /// <summary>The op's operands; null once the graph has been freed by a backward pass.</summary>
    public Tensor[]? Inputs { get; private set; }

    public Shape OutputShape { get; }

    // What the rule needs from the forward pass (the meaning of each slot is the rule's own).
    public Tensor? Saved;
    public Tensor? Saved2;
    public float Scalar;
    public float Scalar2;
    public int Axis;
    public bool Flag;
    public bool Flag2;
    public int[]? Indices;
    public int[]? Axes;
    public object? Context;

    /// <summary>dL/d(output) summed over the paths found so far in the current backward pass.</summary>
    internal Tensor? PendingGrad;

    /// <summary>Adds <paramref name="grad"/> to input <paramref name="index"/>'s gradient, if that input requires one.</summary>
    public void Propagate(int index, Tensor grad)
    {
        var input = Inputs![index];
        if (!input.RequiresGrad) return;
        if (grad.Shape != input.Shape)
        {
            throw new InvalidOperationException(
                $"Backward of {Op}: gradient of shape {grad.Shape} for an input of shape {input.Shape} (an internal error).");
        }
        var node = input.GradFn;
        if (node is null)
        {
            input.AccumulateGrad(grad);
        }
        else
        {
            // Never add in place: the same gradient tensor may have been handed to another input too.
            node.PendingGrad = node.PendingGrad is null ? grad : Tensor.AddNoGrad(node.PendingGrad, grad);
        }
    }

    /// <summary>
    /// When input <paramref name="index"/> is a leaf that requires a gradient, the buffer its gradient accumulates in,
    /// so that a rule can write its share there in one pass instead of handing a temporary to <see cref="Propagate"/>;
    /// <paramref name="accumulate"/> tells whether to add to the buffer (true) or overwrite all of it (false).
    /// Null for any other input, or when the buffer shares storage with <paramref name="read"/> or
    /// <paramref name="read2"/> (what the rule reads while it writes): then use <see cref="Propagate"/>.
    /// </summary>
    public Tensor? LeafGradient(int index, Tensor read, Tensor? read2, out bool accumulate)
    {
        var input = Inputs![index];
        if (!input.RequiresGrad || input.GradFn is not null)
        {
            accumulate = false;
            return null;
        }
        return input.GradAccumulator(read, read2, out accumulate);
    }

    /// <summary>Drops the references to inputs and saved tensors, so their memory can be reclaimed.</summary>
    public void Free()
    {
        Inputs = null;
        Saved = null;
        Saved2 = null;
        Indices = null;
        Context = null;
        PendingGrad = null;
    }
}

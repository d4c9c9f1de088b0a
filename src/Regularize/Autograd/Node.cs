using Regularize.Tensors;

namespace Regularize.Autograd;

/// <summary>The derivative rule of one primitive: given dL/d(output), add each input's share via <see cref="Node.Propagate"/>.</summary>
internal delegate void BackwardRule(Node node, Tensor gradOutput);

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

    /// <summary>Drops the references to inputs and saved tensors, so their memory can be reclaimed.</summary>
    public void Free()
    {
        Inputs = null;
        Saved = null;
        Saved2 = null;
        Indices = null;
        PendingGrad = null;
    }
}

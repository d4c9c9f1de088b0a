
namespace Regularize.Tensors;

/// <summary>Records operations and runs the reverse pass.</summary>
internal static class Engine
{
    /// <summary>
    /// Records <paramref name="op"/> as the creator of <paramref name="output"/> when grad mode is on and some input
    /// requires a gradient. Returns the node, for the forward code to save what its rule needs, or null.
    /// </summary>
    public static Node? Record(Tensor output, string op, BackwardRule rule, params Tensor[] inputs)
    {
        if (!GradState.IsEnabled) return null;
        bool any = false;
        foreach (var t in inputs) any |= t.RequiresGrad;
        if (!any) return null;
        var node = new Node(op, rule, inputs, output.Shape);
        output.SetGradFn(node);
        return node;
    }

    public static Node? Record(Tensor output, string op, BackwardRule rule, Tensor input)
    {
        if (!GradState.IsEnabled || !input.RequiresGrad) return null;
        var node = new Node(op, rule, [input], output.Shape);
        output.SetGradFn(node);
        return node;
    }

    /// <summary>
    /// Back-propagates <paramref name="seed"/> = dL/d<paramref name="root"/> through the graph, then frees it unless
    /// <paramref name="retainGraph"/> (then its nodes keep their inputs and saved tensors for another pass).
    /// </summary>
    public static void Backward(Tensor root, Tensor seed, bool retainGraph = false)
    {
        if (root.GradFn is null)
        {
            root.AccumulateGrad(seed);
            return;
        }
        // The walk's collections are the thread's, reused from step to step; a backward run from inside a rule
        // (the field is null then) makes its own.
        var walk = t_walk ?? new Walk();
        t_walk = null;
        try
        {
            var order = TopologicalOrder(root.GradFn, walk);
            root.GradFn.PendingGrad = seed;
            int noGrad = GradState.Enter();
            try
            {
                // Reverse topological order: every node runs after all the nodes that consume its output.
                for (int i = order.Count - 1; i >= 0; i--)
                {
                    var node = order[i];
                    var g = node.PendingGrad;
                    node.PendingGrad = null;
                    if (g is not null) node.Rule(node, g);
                }
            }
            finally
            {
                GradState.Exit(noGrad);
            }
            if (!retainGraph)
            {
                foreach (var node in order) node.Free();
            }
        }
        finally
        {
            walk.Clear();
            t_walk = walk;
        }
    }

    [ThreadStatic] private static Walk? t_walk;

    /// <summary>The collections of one topological walk, kept per thread so a steady-state backward allocates none.</summary>
    private sealed class Walk
    {
        public readonly List<Node> Order = [];
        public readonly HashSet<Node> Visited = new(ReferenceEqualityComparer.Instance);
        public readonly Stack<(Node Node, int Next)> Stack = new();

        /// <summary>Empties all three (their arrays are cleared too, so no node is kept alive).</summary>
        public void Clear()
        {
            Order.Clear();
            Visited.Clear();
            Stack.Clear();
        }
    }

    /// <summary>Nodes reachable from <paramref name="root"/>, each after all of its inputs' nodes (iterative DFS, so deep graphs cannot overflow the stack).</summary>
    private static List<Node> TopologicalOrder(Node root, Walk walk)
    {
        var (order, visited, stack) = (walk.Order, walk.Visited, walk.Stack);
        Push(root);
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            var inputs = node.Inputs!;
            if (next < inputs.Length)
            {
                stack.Push((node, next + 1));
                var child = inputs[next].GradFn;
                if (child is not null && !visited.Contains(child)) Push(child);
            }
            else
            {
                order.Add(node);
            }
        }
        // order is post-order: inputs before consumers. Reverse iteration therefore visits consumers first.
        return order;

        void Push(Node n)
        {
            if (n.Inputs is null)
            {
                throw new InvalidOperationException(
                    $"Backward through a graph that has already been freed (at op {n.Op}): a graph is released after one Backward(); pass retainGraph: true to the first Backward to walk it again, or run the forward pass again.");
            }
            visited.Add(n);
            stack.Push((n, 0));
        }
    }
}

namespace Regularize.Tensors;

/// <summary>
/// A region of code, typically one training step, whose intermediate tensors are recycled when it ends.
/// Inside a scope, the results of tensor operations (and the temporaries of <see cref="Tensor.Backward()"/>)
/// take their memory from a per-thread pool; when the scope is disposed, every tensor created inside it is
/// released and its memory goes back to the pool, so a steady-state training step allocates almost nothing.
/// </summary>
/// <remarks>
/// <para>Tensors made by the public factories (<see cref="Tensor.Zeros(int[])"/>, <see cref="Tensor.FromArray"/>,
/// <see cref="Tensor.Clone"/>, random tensors), parameters, their gradients and optimizer state are never pooled:
/// they outlive any scope. Views (<see cref="Tensor.Reshape"/>, <see cref="Tensor.Rows"/>, <see cref="Tensor.Detach"/>)
/// made inside a scope are released with it but never hand back storage they do not own.</para>
/// <para>Using a released tensor throws <see cref="ObjectDisposedException"/>; copy a value you need after the
/// scope with <see cref="Keep"/> (or read it, e.g. <see cref="Tensor.Item"/>, before the scope ends).
/// Scopes nest, belong to the thread that began them and must be disposed in reverse order.</para>
/// </remarks>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic]
    private static TensorScope? t_current;

    private readonly TensorScope? _parent;
    private readonly int _threadId;
    private readonly List<Tensor> _tracked = new(256);
    private bool _disposed;

    private TensorScope()
    {
        _parent = t_current;
        _threadId = Environment.CurrentManagedThreadId;
        t_current = this;
    }

    /// <summary>Begins a scope on this thread: <c>using (TensorScope.Begin()) { ... }</c>.</summary>
    public static TensorScope Begin() => new();

    /// <summary>True when a scope is open on this thread.</summary>
    public static bool IsActive => t_current is not null;

    /// <summary>The number of tensors this scope will release.</summary>
    public int TrackedCount => _tracked.Count;

    internal static void Track(Tensor tensor) => t_current?._tracked.Add(tensor);

    /// <summary>An independent copy of <paramref name="tensor"/> that survives the end of the scope.</summary>
    public static Tensor Keep(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var saved = t_current;
        t_current = null;
        try
        {
            return tensor.Detach().Clone();
        }
        finally
        {
            t_current = saved;
        }
    }

    /// <summary>Runs <paramref name="create"/> with tracking suspended, for tensors that must outlive the scope.</summary>
    internal static T Untracked<T>(Func<T> create)
    {
        var saved = t_current;
        t_current = null;
        try
        {
            return create();
        }
        finally
        {
            t_current = saved;
        }
    }

    /// <summary>Releases every tensor created in the scope and returns pooled memory.</summary>
    /// <exception cref="InvalidOperationException">The scope is not the innermost one of this thread.</exception>
    public void Dispose()
    {
        if (_disposed) return;
        if (Environment.CurrentManagedThreadId != _threadId || t_current != this)
        {
            throw new InvalidOperationException("TensorScopes must be disposed on their own thread, innermost first.");
        }
        _disposed = true;
        foreach (var t in _tracked) t.Release(t.OwnsPooledStorage);
        _tracked.Clear();
        t_current = _parent;
    }
}

namespace Regularize.Tensors.Kernels;

/// <summary>
/// The thread limit the kernels read. Its public face is <c>Parallelism</c> in the tensor layer above; the state
/// lives here so the kernels do not depend on that layer.
/// </summary>
internal static class ThreadLimit
{
    /// <summary>The process-wide limit: -1 for all cores, or a positive thread count.</summary>
    public static int Default = -1;

    /// <summary>This thread's override, 0 when none is open.</summary>
    [ThreadStatic]
    public static int Override;

    /// <summary>The limit in force on this thread: its override if one is open, else <see cref="Default"/>.</summary>
    public static int Current => Override != 0 ? Override : Default;
}

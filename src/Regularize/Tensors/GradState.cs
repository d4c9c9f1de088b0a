namespace Regularize.Tensors;

/// <summary>
/// The per-thread recording switch that <see cref="Engine"/> reads. Its public face is
/// <c>GradMode</c> in the autograd layer above; the state lives here so the tensor ops can record
/// without depending on that layer.
/// </summary>
internal static class GradState
{
    [ThreadStatic]
    private static int t_disabledDepth;

    /// <summary>True when operations on this thread are being recorded.</summary>
    public static bool IsEnabled => t_disabledDepth == 0;

    /// <summary>Turns recording off on this thread; returns the thread's id for <see cref="Exit"/>.</summary>
    public static int Enter()
    {
        t_disabledDepth++;
        return Environment.CurrentManagedThreadId;
    }

    /// <summary>Ends one level of "recording off"; must run on the thread that entered it.</summary>
    public static void Exit(int threadId)
    {
        if (threadId != Environment.CurrentManagedThreadId)
        {
            throw new InvalidOperationException("A NoGrad scope must be disposed on the thread that opened it.");
        }
        if (t_disabledDepth > 0) t_disabledDepth--;
    }
}

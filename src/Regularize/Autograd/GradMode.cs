using Regularize.Tensors;

namespace Regularize.Autograd;

/// <summary>
/// Whether operations on tensors that require gradients are recorded for <see cref="Tensors.Tensor.Backward()"/>.
/// Recording is on by default and per thread; <see cref="NoGrad"/> turns it off for a scope (evaluation, optimizer updates).
/// </summary>
public static class GradMode
{
    /// <summary>True when operations on this thread are being recorded.</summary>
    public static bool IsEnabled => GradState.IsEnabled;

    /// <summary>Turns recording off on this thread until the returned scope is disposed: <c>using (GradMode.NoGrad()) { ... }</c>.</summary>
    public static NoGradScope NoGrad()
    {
        return new NoGradScope(GradState.Enter());
    }

    /// <summary>A scope in which recording is off; dispose it to restore the previous mode.</summary>
    public readonly struct NoGradScope : IDisposable
    {
        private readonly int _threadId;

        internal NoGradScope(int threadId) => _threadId = threadId;

        /// <summary>Ends the scope.</summary>
        public void Dispose()
        {
            if (_threadId != 0) GradState.Exit(_threadId);
        }
    }
}

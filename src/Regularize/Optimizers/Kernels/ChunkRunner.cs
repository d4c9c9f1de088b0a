using System.Runtime.ExceptionServices;

namespace Regularize.Optimizers.Kernels;

/// <summary>
/// Runs the chunks of an <see cref="IChunkWork"/> on the calling thread plus up to (threads − 1) thread-pool
/// helpers that pull chunk numbers from a shared counter. The runner itself is the queued work item, so a
/// run allocates nothing. Chunks are elementwise updates, so the result does not depend on which thread
/// ran which chunk.
/// </summary>
/// <remarks>
/// The caller never waits for a helper that has not started: helpers must claim a ticket first, and when
/// the caller has drained the chunks it revokes the unclaimed tickets and waits only for helpers that are
/// running (at most one chunk each). So a busy or starved thread pool costs parallelism, never a stall.
/// A helper queued for one run that starts during a later run simply helps that run.
/// </remarks>
internal sealed class ChunkRunner : IThreadPoolWorkItem
{
    private IChunkWork? _work;
    private int _count;
    private int _next;
    private int _tickets;
    private int _active;
    private Exception? _error;

    public void Run(IChunkWork work, int count, int threads)
    {
        int helpers = Math.Min(threads, count) - 1;
        if (helpers <= 0)
        {
            for (int i = 0; i < count; i++) work.RunChunk(i);
            return;
        }
        _work = work;
        _count = count;
        _error = null;
        Volatile.Write(ref _next, -1);
        Volatile.Write(ref _tickets, helpers); // publishes the fields above to helpers that claim a ticket
        for (int h = 0; h < helpers; h++) ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        try
        {
            Drain(work);
        }
        finally
        {
            Interlocked.Exchange(ref _tickets, 0);
            var spin = new SpinWait();
            while (Volatile.Read(ref _active) != 0) spin.SpinOnce(sleep1Threshold: -1);
            _work = null;
        }
        if (_error is { } error) ExceptionDispatchInfo.Throw(error);
    }

    void IThreadPoolWorkItem.Execute()
    {
        Interlocked.Increment(ref _active);
        try
        {
            if (TryClaim() && _work is { } work) Drain(work);
        }
        catch (Exception e)
        {
            _error = e;
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    private bool TryClaim()
    {
        while (true)
        {
            int t = Volatile.Read(ref _tickets);
            if (t <= 0) return false;
            if (Interlocked.CompareExchange(ref _tickets, t - 1, t) == t) return true;
        }
    }

    private void Drain(IChunkWork work)
    {
        int i;
        while ((i = Interlocked.Increment(ref _next)) < _count) work.RunChunk(i);
    }
}

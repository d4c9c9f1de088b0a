using System.Runtime.ExceptionServices;

namespace Regularize.Optimizers.Kernels;

/// <summary>Work split into numbered chunks that may run on any thread in any order.</summary>
internal interface IChunkWork
{
    void RunChunk(int index);
}

/// <summary>
/// Runs the chunks of an <see cref="IChunkWork"/> on the calling thread plus up to (threads − 1) thread-pool
/// helpers that pull chunk numbers from a shared counter. The runner itself is the queued work item, so a
/// run allocates nothing after the first. Chunks are elementwise updates, so the result does not depend on
/// which thread ran which chunk.
/// </summary>
internal sealed class ChunkRunner : IThreadPoolWorkItem
{
    private readonly ManualResetEventSlim _done = new(false, spinCount: 200);
    private IChunkWork? _work;
    private int _count;
    private int _next;
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
        _next = -1;
        _error = null;
        _active = helpers;
        _done.Reset();
        for (int h = 0; h < helpers; h++) ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        try
        {
            Drain();
        }
        finally
        {
            _done.Wait();
            _work = null;
        }
        if (_error is not null) ExceptionDispatchInfo.Throw(_error);
    }

    void IThreadPoolWorkItem.Execute()
    {
        try
        {
            Drain();
        }
        catch (Exception e)
        {
            _error = e;
        }
        finally
        {
            if (Interlocked.Decrement(ref _active) == 0) _done.Set();
        }
    }

    private void Drain()
    {
        var work = _work!;
        int i;
        while ((i = Interlocked.Increment(ref _next)) < _count) work.RunChunk(i);
    }
}

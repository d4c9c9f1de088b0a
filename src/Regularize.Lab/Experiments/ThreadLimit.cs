namespace Regularize.Lab;

/// <summary>
/// Runs work so that the data-parallel loops inside it (the matrix multiply's <c>Parallel.For</c>) use at most a given
/// number of threads. Those loops schedule on <see cref="TaskScheduler.Current"/>; running the work as a task of a
/// <see cref="ConcurrentExclusiveSchedulerPair"/> limited to n makes that scheduler current, so they see at most n workers.
/// The results do not depend on it: the multiply splits only over output stripes, never over the summation.
/// </summary>
internal static class ThreadLimit
{
    public static T Run<T>(int threads, Func<T> work)
    {
        if (threads >= Environment.ProcessorCount) return work();
        var pair = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, Math.Max(1, threads));
        var task = Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, pair.ConcurrentScheduler);
        try
        {
            return task.GetAwaiter().GetResult();
        }
        finally
        {
            pair.Complete();
        }
    }
}

namespace Regularize.Optimizers.Kernels;

/// <summary>Work split into numbered chunks that may run on any thread in any order.</summary>
internal interface IChunkWork
{
    void RunChunk(int index);
}

using Regularize.Tensors;
using Regularize.Tensors.Kernels;

namespace Regularize.Benchmarks.Elementwise;

/// <summary>Runs the broadcasting loop into a preallocated destination, so the benchmark measures the kernel, not allocation.</summary>
internal static class BinaryKernelAccess
{
    public static void Add(Tensor a, Tensor b, Tensor destination) => Broadcast.Apply<AddOperator>(a, b, destination);
}

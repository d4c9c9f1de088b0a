using BenchmarkDotNet.Attributes;
using Regularize.Tensors.Kernels;

namespace Regularize.Benchmarks.MatMul;

/// <summary>
/// The three products of a 784 → 512 linear layer at batch 128: forward X·W, weight gradient Xᵀ·dY and input
/// gradient dY·Wᵀ (the transposes are read by the packing, never materialised), on one thread and on all cores.
/// </summary>
[Config(typeof(MatMulConfig))]
public class MlpLayerMatMul
{
    private float[] _a = [], _b = [], _c = [];

    /// <summary>Forward, weight gradient and input gradient.</summary>
    public static IEnumerable<GemmCase> Cases => GemmCase.All.Where(c => !c.IsSquare);

    /// <summary>The product measured.</summary>
    [ParamsSource(nameof(Cases))]
    public GemmCase Case { get; set; } = GemmCase.All[^1];

    /// <summary>1 = one thread; -1 = all cores.</summary>
    [Params(1, -1)]
    public int Threads { get; set; }

    /// <summary>Random operands.</summary>
    [GlobalSetup]
    public void Setup() => (_a, _b, _c) = Case.Allocate();

    /// <summary><see cref="Gemm.Multiply"/> with beta = 0.</summary>
    [Benchmark]
    public void Gemm() => Tensors.Kernels.Gemm.Multiply(Case.TransposeA, Case.TransposeB, Case.M, Case.N, Case.K,
        _a, Case.Lda, _b, Case.Ldb, _c, Case.N, 0f, Threads);
}

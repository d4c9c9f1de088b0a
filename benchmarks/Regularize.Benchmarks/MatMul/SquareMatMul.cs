using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;
using Regularize.Tensors.Kernels;

namespace Regularize.Benchmarks.MatMul;

/// <summary>
/// n×n by n×n products: <see cref="Gemm.Multiply"/> against MathNet.Numerics' managed provider (the baseline),
/// each on one thread and on all cores.
/// </summary>
[Config(typeof(MatMulConfig))]
public class SquareMatMul
{
    private float[] _a = [], _b = [], _c = [];
    private Matrix<float> _mathNetA = null!, _mathNetB = null!, _mathNetC = null!;

    /// <summary>The sizes measured.</summary>
    public static IEnumerable<GemmCase> Cases => GemmCase.All.Where(c => c.IsSquare);

    /// <summary>The product measured.</summary>
    [ParamsSource(nameof(Cases))]
    public GemmCase Case { get; set; } = GemmCase.Square(64);

    /// <summary>1 = one thread; -1 = all cores (for MathNet: its multi-threading switched on).</summary>
    [Params(1, -1)]
    public int Threads { get; set; }

    /// <summary>Random operands, the MathNet copies, and MathNet switched to its managed provider.</summary>
    [GlobalSetup]
    public void Setup()
    {
        (_a, _b, _c) = Case.Allocate();
        MathNet.Numerics.Control.UseManaged();
        if (Threads == 1)
        {
            MathNet.Numerics.Control.UseSingleThread();
        }
        else
        {
            MathNet.Numerics.Control.UseMultiThreading();
        }
        _mathNetA = Matrix<float>.Build.Dense(Case.M, Case.K, (i, p) => _a[i * Case.K + p]);
        _mathNetB = Matrix<float>.Build.Dense(Case.K, Case.N, (p, j) => _b[p * Case.N + j]);
        _mathNetC = Matrix<float>.Build.Dense(Case.M, Case.N);
    }

    /// <summary>MathNet.Numerics managed <c>Matrix&lt;float&gt;.Multiply</c> into a preallocated result.</summary>
    [Benchmark(Baseline = true)]
    public void MathNetManaged() => _mathNetA.Multiply(_mathNetB, _mathNetC);

    /// <summary><see cref="Gemm.Multiply"/> with beta = 0.</summary>
    [Benchmark]
    public void Gemm() => Tensors.Kernels.Gemm.Multiply(false, false, Case.M, Case.N, Case.K,
        _a, Case.K, _b, Case.N, _c, Case.N, 0f, Threads);
}

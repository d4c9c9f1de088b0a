using BenchmarkDotNet.Running;
using Regularize.Benchmarks.MatMul;
using Regularize.Benchmarks.Optimizers;

namespace Regularize.Benchmarks;

/// <summary>
/// Entry point. <c>dotnet run -c Release --project benchmarks/Regularize.Benchmarks -- --filter '*'</c> runs the
/// BenchmarkDotNet suites; <c>-- gemm-report</c> prints matrix-multiply GFLOP/s against the FMA peak measured in the
/// same process; <c>-- epoch</c> trains one epoch of the side-by-side MLP (see benchmarks/side-by-side/run.sh); <c>-- guard</c> is the CI check that an AdamW step runs near memory bandwidth and allocates nothing;
/// <c>-- gemm-guard</c> the CI check that the matrix multiply runs near the FMA peak; <c>-- scope-report</c> compares
/// <c>Tensor.MatMul</c> outside and inside a <c>TensorScope</c>; <c>-- pca</c> times one PCA of
/// Fashion-MNIST (see benchmarks/side-by-side/pca.sh); <c>-- conv-report</c> the lab CNN's convolutions against the FMA peak.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        switch (args)
        {
            case ["gemm-report", ..]: return GemmReport.Run(args[1..]);
            case ["guard", ..]: return StepGuard.Run(args[1..]);
            case ["gemm-guard", ..]: return GemmGuard.Run(args[1..]);
            case ["epoch", ..]: return SideBySide.EpochRun.Run(args[1..]);
            case ["scope-report", ..]: return ScopeReport.Run(args[1..]);
            case ["pca", ..]: return Decomposition.PcaRun.Run(args[1..]);
            case ["conv-report", ..]: return Convolution.ConvReport.Run(args[1..]);
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}

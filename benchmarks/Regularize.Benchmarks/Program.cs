using BenchmarkDotNet.Running;
using Regularize.Benchmarks.MatMul;

namespace Regularize.Benchmarks;

/// <summary>
/// Entry point. <c>dotnet run -c Release --project benchmarks/Regularize.Benchmarks -- --filter '*'</c> runs the
/// BenchmarkDotNet suites; <c>-- gemm-report</c> prints matrix-multiply GFLOP/s against the FMA peak measured in the
/// same process.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "gemm-report") return GemmReport.Run(args[1..]);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}

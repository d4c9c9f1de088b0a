using BenchmarkDotNet.Running;

namespace Regularize.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project benchmarks/Regularize.Benchmarks -- --filter '*'</c>.</summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["guard", ..]) Environment.Exit(Optimizers.StepGuard.Run(args[1..]));
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}

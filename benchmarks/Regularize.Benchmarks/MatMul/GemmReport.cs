using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics.X86;
using MathNet.Numerics.LinearAlgebra;
using Regularize.Benchmarks.Hardware;
using Regularize.Tensors.Kernels;

namespace Regularize.Benchmarks.MatMul;

/// <summary>
/// A quick console report for the matrix multiply: measures the FMA peak and each GEMM shape in one process and
/// prints GFLOP/s and the fraction of peak, with MathNet.Numerics' managed multiply as the baseline for the
/// square sizes. Run as <c>gemm-report [--quick] [--no-mathnet]</c>.
/// </summary>
public static class GemmReport
{
    /// <summary>Runs the report and prints a Markdown table; returns 0.</summary>
    public static int Run(string[] args)
    {
        bool quick = args.Contains("--quick");
        bool mathNet = !args.Contains("--no-mathnet");
        double budget = quick ? 0.25 : 1.0;
        int cores = Environment.ProcessorCount;

        // The machine may be shared: take the best peak seen before and after the GEMM runs.
        // Without FMA (or with DOTNET_EnableAVX2=0) there is no peak to compare with: percentages print as n/a.
        bool fma = Fma.IsSupported;
        double peak1 = fma ? FmaPeakLoop.MeasureGflops(1, repeats: 20, seconds: 0.03) : double.NaN;
        double peakAll = fma ? FmaPeakLoop.MeasureGflops(cores, repeats: 20, seconds: 0.03) : double.NaN;
        var rows = new List<(GemmCase Shape, double G1, double GAll, double M1, double MAll)>();
        foreach (GemmCase shape in GemmCase.All)
        {
            double g1 = Gflops(shape, 1, budget);
            double gAll = Gflops(shape, -1, budget);
            bool baseline = mathNet && shape.IsSquare;
            double m1 = baseline ? MathNetGflops(shape, singleThread: true, budget) : double.NaN;
            double mAll = baseline ? MathNetGflops(shape, singleThread: false, budget) : double.NaN;
            rows.Add((shape, g1, gAll, m1, mAll));
        }
        if (fma)
        {
            peak1 = Math.Max(peak1, FmaPeakLoop.MeasureGflops(1, repeats: 20, seconds: 0.03));
            peakAll = Math.Max(peakAll, FmaPeakLoop.MeasureGflops(cores, repeats: 20, seconds: 0.03));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"FMA peak (Vector256, register-only): {peak1:F1} GFLOP/s on 1 core, {peakAll:F1} GFLOP/s on {cores} cores"));
        Console.WriteLine();
        Console.WriteLine("| product | 1 thread GFLOP/s | % of 1-core peak | all cores GFLOP/s | % of all-core peak | MathNet 1 thread | speed-up 1 thread | MathNet all cores | speed-up all cores |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (shape, g1, gAll, m1, mAll) in rows)
        {
            string row = string.Create(CultureInfo.InvariantCulture,
                $"| {shape.Name} | {g1:F1} | {Percent(g1, peak1)} | {gAll:F1} | {Percent(gAll, peakAll)} |");
            row += double.IsNaN(m1)
                ? " | | | |"
                : string.Create(CultureInfo.InvariantCulture, $" {m1:F2} | {g1 / m1:F0}× | {mAll:F2} | {gAll / mAll:F0}× |");
            Console.WriteLine(row);
        }
        return 0;
    }

    private static string Percent(double gflops, double peak) =>
        double.IsNaN(peak) ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{100 * gflops / peak:F0}%");

    /// <summary>Best GFLOP/s of <see cref="Gemm.Multiply"/> on <paramref name="shape"/> within a time budget.</summary>
    public static double Gflops(GemmCase shape, int threads, double budgetSeconds)
    {
        var (a, b, c) = shape.Allocate();
        Action run = () => Gemm.Multiply(shape.TransposeA, shape.TransposeB, shape.M, shape.N, shape.K,
            a, shape.Lda, b, shape.Ldb, c, shape.N, 0f, threads);
        return shape.Flops / BestSeconds(run, budgetSeconds) / 1e9;
    }

    private static double MathNetGflops(GemmCase shape, bool singleThread, double budgetSeconds)
    {
        MathNet.Numerics.Control.UseManaged();
        if (singleThread)
        {
            MathNet.Numerics.Control.UseSingleThread();
        }
        else
        {
            MathNet.Numerics.Control.UseMultiThreading();
        }
        var random = new Random(1);
        Matrix<float> a = Matrix<float>.Build.Dense(shape.M, shape.K, (_, _) => random.NextSingle() - 0.5f);
        Matrix<float> b = Matrix<float>.Build.Dense(shape.K, shape.N, (_, _) => random.NextSingle() - 0.5f);
        Matrix<float> c = Matrix<float>.Build.Dense(shape.M, shape.N);
        double gflops = shape.Flops / BestSeconds(() => a.Multiply(b, c), budgetSeconds) / 1e9;
        MathNet.Numerics.Control.UseMultiThreading();
        return gflops;
    }

    /// <summary>Warms up, then runs until the budget is spent (at least 3 runs); returns the fastest run.</summary>
    private static double BestSeconds(Action run, double budgetSeconds)
    {
        run();
        double best = double.MaxValue, total = 0;
        var watch = new Stopwatch();
        for (int r = 0; r < 3 || (total < budgetSeconds && r < 1000); r++)
        {
            watch.Restart();
            run();
            double s = watch.Elapsed.TotalSeconds;
            best = Math.Min(best, s);
            total += s;
        }
        return best;
    }
}

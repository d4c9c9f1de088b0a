using System.Globalization;
using System.Runtime.Intrinsics.X86;
using Regularize.Benchmarks.Hardware;
using Regularize.Tensors.Kernels;

namespace Regularize.Benchmarks.MatMul;

/// <summary>
/// A quick CI guard for the matrix multiply (<c>dotnet run -c Release --project benchmarks/Regularize.Benchmarks -- gemm-guard</c>):
/// a 512×512×512 product and the MLP's forward layer, on one thread and on all cores, timed against the FMA peak
/// measured in the same process (the best peak seen before and after, so a busy moment lowers neither side alone).
/// Fails when the 512³ product reaches less than <see cref="MinimumFraction"/> of the peak on either thread count,
/// or when a single-threaded multiply allocates after warm-up; <c>--minimum F</c> sets another fraction.
/// The full table is <c>gemm-report</c>.
/// </summary>
public static class GemmGuard
{
    /// <summary>The fraction of the FMA peak the 512³ product must reach; it measured 0.87–0.97 on the 2-core machine of docs/benchmarks.md.</summary>
    public const double MinimumFraction = 0.6;

    /// <summary>Runs the guard; returns the process exit code.</summary>
    public static int Run(params string[] args)
    {
        if (!Fma.IsSupported)
        {
            Console.WriteLine("GemmGuard: skipped, this machine (or a DOTNET_Enable* switch) has no FMA to compare with.");
            return 0;
        }
        double minimum = MinimumFraction;
        int at = Array.IndexOf(args, "--minimum");
        if (at >= 0 && (at + 1 >= args.Length || !double.TryParse(args[at + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out minimum) || minimum is <= 0 or > 1))
        {
            Console.Error.WriteLine("gemm-guard: --minimum needs a fraction in (0, 1], e.g. --minimum 0.6.");
            return 2;
        }
        int cores = Environment.ProcessorCount;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        double peak1 = FmaPeakLoop.MeasureGflops(1, repeats: 10, seconds: 0.03);
        double peakAll = FmaPeakLoop.MeasureGflops(cores, repeats: 10, seconds: 0.03);
        var square = GemmCase.Square(512);
        var layer = GemmCase.All.First(c => c.Name.StartsWith("fwd", StringComparison.Ordinal));
        double square1 = GemmReport.Gflops(square, 1, 0.4);
        double squareAll = GemmReport.Gflops(square, -1, 0.4);
        double layer1 = GemmReport.Gflops(layer, 1, 0.2);
        double layerAll = GemmReport.Gflops(layer, -1, 0.2);
        peak1 = Math.Max(peak1, FmaPeakLoop.MeasureGflops(1, repeats: 10, seconds: 0.03));
        peakAll = Math.Max(peakAll, FmaPeakLoop.MeasureGflops(cores, repeats: 10, seconds: 0.03));
        long allocated = AllocatedBySingleThreadMultiply(square);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"GemmGuard: FMA peak {peak1:F1} GFLOP/s (1 core), {peakAll:F1} GFLOP/s ({cores} cores); " +
            $"512³: {square1:F1} GFLOP/s = {square1 / peak1:P0} on 1 thread, {squareAll:F1} = {squareAll / peakAll:P0} on {cores}; " +
            $"{layer.Name}: {layer1 / peak1:P0} on 1 thread, {layerAll / peakAll:P0} on {cores}; " +
            $"{allocated} B allocated by a 1-thread multiply; {clock.Elapsed.TotalSeconds:F1} s"));

        int code = 0;
        foreach (var (what, fraction) in new[] { ("1 thread", square1 / peak1), ($"{cores} threads", squareAll / peakAll) })
        {
            if (fraction < minimum)
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"FAIL: the 512³ product on {what} reaches {fraction:P0} of the FMA peak; the guard requires at least {minimum:P0}."));
                code = 1;
            }
        }
        if (allocated != 0)
        {
            Console.Error.WriteLine($"FAIL: a single-threaded 512³ multiply after warm-up allocated {allocated} bytes; the packing buffers must be reused.");
            code = 1;
        }
        if (code == 0) Console.WriteLine("GemmGuard: OK");
        return code;
    }

    /// <summary>Bytes allocated by one single-threaded multiply after warm-up (the least of three tries).</summary>
    private static long AllocatedBySingleThreadMultiply(GemmCase shape)
    {
        var (a, b, c) = shape.Allocate();
        void Multiply() => Gemm.Multiply(false, false, shape.M, shape.N, shape.K, a, shape.Lda, b, shape.Ldb, c, shape.N, 0f, 1);
        Multiply();
        return Allocations.Least(Multiply);
    }
}

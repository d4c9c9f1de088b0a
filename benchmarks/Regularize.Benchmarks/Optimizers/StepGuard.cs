using System.Diagnostics;
using Regularize.Benchmarks.Hardware;

namespace Regularize.Benchmarks.Optimizers;

/// <summary>
/// A quick CI guard for the optimizer hot loop (<c>dotnet run -c Release --project benchmarks/Regularize.Benchmarks -- guard</c>):
/// AdamW over a few million parameters on all cores, timed against the bandwidth probe moving the same
/// bytes in the same process (interleaved, best of several). Fails when a step reaches less than half of
/// the probe's speed, or when steps allocate after warm-up. With <c>--report</c> it instead prints the
/// fraction of bandwidth for every optimizer, size, layout and thread count (docs/benchmarks.md).
/// </summary>
public static class StepGuard
{
    private const int GuardParameters = 8_000_009;

    /// <summary>Runs the guard (or the report with <c>--report</c>); returns the process exit code.</summary>
    public static int Run(params string[] args)
    {
        if (args.Contains("--report")) return Report(args.Where(a => a != "--report").ToArray());
        var clock = Stopwatch.StartNew();
        int threads = Environment.ProcessorCount;
        var work = new StepWorkload("AdamW", GuardParameters, tensors: 3, threads);
        var probe = new MemoryBandwidth((int)work.Elements);
        var (step, bandwidth) = Measure(work, probe, threads, rounds: 15, repeats: 4);
        double fraction = bandwidth / step;

        long allocated = Allocations.Least(() => { for (int i = 0; i < 100; i++) work.Optimizer.Step(); });

        double gbs = work.Elements * (double)work.BytesPerElement / bandwidth / 1e9;
        Console.WriteLine($"StepGuard: AdamW, {work.Elements:N0} parameters, {threads} threads: step {step * 1e3:F2} ms, " +
            $"probe {bandwidth * 1e3:F2} ms ({gbs:F1} GB/s moving {work.BytesPerElement} B/element): {fraction:P0} of measured bandwidth; " +
            $"{allocated} B allocated over 100 steps; {clock.Elapsed.TotalSeconds:F1} s");
        int code = 0;
        if (fraction < 0.5)
        {
            Console.Error.WriteLine($"FAIL: AdamW step reaches {fraction:P0} of the memory-bandwidth probe; the guard requires at least 50%.");
            code = 1;
        }
        if (allocated != 0)
        {
            Console.Error.WriteLine($"FAIL: 100 AdamW steps after warm-up allocated {allocated} bytes; a step must allocate nothing.");
            code = 1;
        }
        if (code == 0) Console.WriteLine("StepGuard: OK");
        return code;
    }

    /// <summary>Best seconds per call of the step and of the probe, measured alternately.</summary>
    private static (double Step, double Bandwidth) Measure(StepWorkload work, MemoryBandwidth probe, int threads, int rounds, int repeats)
    {
        void Probe()
        {
            if (work.BytesPerElement == 20) probe.Momentum(threads);
            else probe.Adam(threads);
        }
        for (int i = 0; i < 3; i++) { work.Optimizer.Step(); Probe(); }
        double bestStep = double.MaxValue, bestProbe = double.MaxValue;
        var sw = new Stopwatch();
        for (int r = 0; r < rounds; r++)
        {
            sw.Restart();
            for (int i = 0; i < repeats; i++) work.Optimizer.Step();
            bestStep = Math.Min(bestStep, sw.Elapsed.TotalSeconds / repeats);
            sw.Restart();
            for (int i = 0; i < repeats; i++) Probe();
            bestProbe = Math.Min(bestProbe, sw.Elapsed.TotalSeconds / repeats);
        }
        return (bestStep, bestProbe);
    }

    /// <summary>The table for docs/benchmarks.md; optional filters: optimizer names and sizes (e.g. <c>AdamW 16000001</c>).</summary>
    private static int Report(string[] filters)
    {
        var optimizers = filters.Where(f => !char.IsDigit(f[0])).DefaultIfEmpty("AdamW").ToArray();
        if (filters.Length == 0) optimizers = ["AdamW", "Adam", "Sgd"];
        var sizes = filters.Where(f => char.IsDigit(f[0])).Select(int.Parse).DefaultIfEmpty(0).ToArray();
        if (sizes is [0]) sizes = [1_000_003, 16_000_001, 64_000_001];
        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, " +
            $"Vector512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}, Vector256 {System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated}");
        Console.WriteLine("| optimizer | parameters | tensors | threads | step ms | probe ms | probe GB/s | fraction of bandwidth | scalar ms | speed-up vs scalar | B/step |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var optimizer in optimizers)
        {
            foreach (int size in sizes)
            {
                foreach (int tensors in new[] { 1, -1, 200 }) // -1: one tensor, θ and g staggered as in an arena
                {
                    foreach (int threads in new[] { 1, 2 })
                    {
                        GC.Collect();
                        GC.WaitForPendingFinalizers();
                        GC.Collect();
                        var work = new StepWorkload(optimizer, size, Math.Abs(tensors), threads, staggered: tensors < 0);
                        var probe = new MemoryBandwidth((int)work.Elements);
                        int repeats = size > 10_000_000 ? 1 : 10;
                        var (step, bandwidth) = Measure(work, probe, threads, rounds: 15, repeats);
                        double scalar = double.MaxValue;
                        for (int r = 0; r < 3; r++)
                        {
                            var sw = Stopwatch.StartNew();
                            work.ScalarStep();
                            scalar = Math.Min(scalar, sw.Elapsed.TotalSeconds);
                        }
                        long allocated = Allocations.Least(() => { for (int i = 0; i < 5; i++) work.Optimizer.Step(); }) / 5; // bytes per step
                        double gbs = work.Elements * (double)work.BytesPerElement / bandwidth / 1e9;
                        Console.WriteLine($"| {optimizer} | {work.Elements:N0} | {(tensors < 0 ? "1, θ/g staggered" : tensors.ToString())} | {threads} | {step * 1e3:F2} | {bandwidth * 1e3:F2} | {gbs:F1} | " +
                            $"{bandwidth / step:P0} | {scalar * 1e3:F1} | {scalar / step:F1}× | {allocated} |");
                    }
                }
            }
        }
        return 0;
    }
}

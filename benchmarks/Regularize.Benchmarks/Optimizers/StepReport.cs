using System.Diagnostics;
using Regularize.Benchmarks.Hardware;

namespace Regularize.Benchmarks.Optimizers;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/Regularize.Benchmarks -- step-report [names…] [parameters]</c>: every optimizer in
/// <see cref="StepCases"/> (or the named ones) over the guard's layout (3 tensors, default 8,000,009 parameters), on 1 and 2
/// threads, each timed against the bandwidth probe moving that optimizer's own traffic in the same process (interleaved, best of
/// several rounds), plus <c>Step(gradientNorm)</c> (no check pass) against the same probe and the bytes allocated per step.
/// Prints a Markdown table for docs/benchmarks.md.
/// </summary>
public static class StepReport
{
    /// <summary>Prints the table; returns the process exit code (2 for an unknown name).</summary>
    public static int Run(params string[] args)
    {
        string[] names;
        try
        {
            names = args.Where(a => !char.IsDigit(a[0])).Select(a => StepCases.Find(a).Name).DefaultIfEmpty().ToArray()!;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        if (names is [null]) names = StepCases.All.Select(c => c.Name).ToArray();
        int size = args.Where(a => char.IsDigit(a[0])).Select(int.Parse).DefaultIfEmpty(8_000_009).First();
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, " +
            $"Vector512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}, Vector256 {System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated}");
        Console.WriteLine("| optimizer | moves | traffic | B/element (+4 check) | threads | step ms | probe ms | probe GB/s | step / probe | Step(norm) ms | Step(norm) / probe | B/step |");
        Console.WriteLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var name in names)
        {
            foreach (int threads in new[] { 1, 2 })
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                var work = new StepWorkload(name, size, tensors: 3, threads);
                var probe = work.NewProbe();
                var (step, bandwidth) = StepGuard.Measure(work, probe, threads, rounds: 8, repeats: 3);
                var (normStep, normBandwidth) = StepGuard.Measure(work, probe, threads, rounds: 8, repeats: 3, afterClipping: true);
                long allocated = Allocations.Least(() => { for (int i = 0; i < 5; i++) work.Optimizer.Step(); }) / 5;
                double gbs = work.Elements * (double)work.BytesPerElement / bandwidth / 1e9;
                Console.WriteLine($"| {name} | {work.Case.Moves} | {work.Case.Traffic} | {work.BytesPerElement} | {threads} | {step * 1e3:F2} | {bandwidth * 1e3:F2} | {gbs:F1} | " +
                    $"{bandwidth / step:P0} | {normStep * 1e3:F2} | {normBandwidth / normStep:P0} | {allocated} |");
            }
        }
        ProbeCheck(size);
        Console.WriteLine($"{size:N0} parameters in 3 tensors; {clock.Elapsed.TotalSeconds:F0} s");
        return 0;
    }

    /// <summary>Prints the generic probe's time for the Adam pattern beside the fixed Adam loop's (2 threads), the same bytes.</summary>
    private static void ProbeCheck(int size)
    {
        var probe = new MemoryBandwidth(size);
        double generic = double.MaxValue, fixedLoop = double.MaxValue;
        var sw = new Stopwatch();
        for (int r = 0; r < 8; r++)
        {
            sw.Restart();
            probe.Streams(4, 3, 2);
            generic = Math.Min(generic, sw.Elapsed.TotalSeconds);
            sw.Restart();
            probe.Adam(2);
            fixedLoop = Math.Min(fixedLoop, sw.Elapsed.TotalSeconds);
        }
        Console.WriteLine($"probe check, 2 threads: Streams(4, 3) {generic * 1e3:F2} ms, Adam() {fixedLoop * 1e3:F2} ms");
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics.X86;
using Regularize.Benchmarks.Hardware;
using Regularize.Nn;
using Regularize.Tensors;

namespace Regularize.Benchmarks.Convolution;

/// <summary>
/// A console report for the convolutions of the lab's CNN at batch 128 (<c>conv-report [--quick] [--batch N]</c>):
/// forward, input-gradient and weight-gradient GFLOP/s of each, as a fraction of the FMA peak measured in the same
/// process (the best peak seen before and after). On one thread both are timed by the thread's CPU clock
/// (<see cref="ThreadCpuClock"/>), so time slices taken by other processes on a shared machine count on neither
/// side; on all cores by the wall clock, which such a machine makes noisy. Then the milliseconds of the
/// other layers' passes (max-pool, batch norm) and the bytes a whole training step of the CNN allocates in a
/// <see cref="TensorScope"/> after warm-up.
/// </summary>
public static class ConvReport
{
    /// <summary>Runs the report; returns 0.</summary>
    public static int Run(string[] args)
    {
        bool quick = args.Contains("--quick");
        int at = Array.IndexOf(args, "--batch");
        int batch = at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : 128;
        double budget = quick ? 0.3 : 1.0;
        int cores = Environment.ProcessorCount;
        bool fma = Fma.IsSupported;
        double peak1 = fma ? CpuPeak() : double.NaN;
        double peakAll = fma ? FmaPeakLoop.MeasureGflops(cores, repeats: 20, seconds: 0.03) : double.NaN;

        var rows = new List<(string Name, string Pass, double S1, double G1, double SAll, double GAll)>();
        foreach (var c in ConvCase.LabCnn(batch))
        {
            foreach (var (pass, work) in new (string, Action)[] { ("forward", c.Forward), ("input gradient", c.InputGradient), ("weight gradient", c.WeightGradient) })
            {
                if (pass == "input gradient" && c.Geometry.C == 1) continue; // the first layer's input needs no gradient
                double s1 = CpuSeconds(work, budget), sAll = Seconds(work, -1, budget);
                double g1 = c.Flops / s1 / 1e9, gAll = c.Flops / sAll / 1e9;
                rows.Add((c.Name, pass, s1, g1, sAll, gAll));
            }
        }
        if (fma)
        {
            peak1 = Math.Max(peak1, CpuPeak());
            peakAll = Math.Max(peakAll, FmaPeakLoop.MeasureGflops(cores, repeats: 20, seconds: 0.03));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"FMA peak (Vector256, register-only): {peak1:F1} GFLOP/s on 1 core ({(ThreadCpuClock.IsCpuTime ? "thread CPU time" : "wall clock")}), {peakAll:F1} GFLOP/s on {cores} cores (wall clock)"));
        Console.WriteLine();
        Console.WriteLine($"| convolution | pass | 1 thread CPU ms | GFLOP/s | % of 1-core peak | {cores} threads wall ms | GFLOP/s | % of all-core peak |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, pass, s1, g1, sAll, gAll) in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {pass} | {s1 * 1e3:F2} | {g1:F1} | {g1 / peak1:P0} | {sAll * 1e3:F2} | {gAll:F1} | {gAll / peakAll:P0} |"));
        }
        Console.WriteLine();
        OtherLayers(batch, budget, cores);
        return 0;
    }

    /// <summary>The FMA loop's GFLOP/s per second of this thread's CPU time: the best of 20 runs of 2·10⁶ iterations.</summary>
    private static double CpuPeak()
    {
        const long iterations = 2_000_000;
        double best = ThreadCpuClock.Least(() => FmaPeakLoop.Run(iterations), 0.1);
        return FmaPeakLoop.FlopsPerIteration * iterations / best / 1e9;
    }

    /// <summary>The least thread CPU time of <paramref name="work"/> on one thread.</summary>
    private static double CpuSeconds(Action work, double budget)
    {
        using var limit = Parallelism.Limit(1);
        return ThreadCpuClock.Least(work, budget);
    }

    private static double Seconds(Action work, int threads, double budget)
    {
        using var limit = Parallelism.Limit(threads);
        work();
        var clock = Stopwatch.StartNew();
        int runs = 0;
        double best = double.MaxValue;
        while (clock.Elapsed.TotalSeconds < budget || runs < 3)
        {
            long t0 = Stopwatch.GetTimestamp();
            work();
            best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalSeconds);
            runs++;
        }
        return best;
    }

    /// <summary>The pooling and normalisation passes of the CNN, and the allocation of a whole step.</summary>
    private static void OtherLayers(int batch, double budget, int cores)
    {
        var x1 = Tensor.RandomNormal([batch, 32, 28, 28], seed: 5);
        var g1 = Tensor.RandomNormal([batch, 32, 14, 14], seed: 6);
        var gamma = Tensor.Ones(32);
        var beta = Tensor.Zeros(32);
        var rm = Tensor.Zeros(32);
        var rv = Tensor.Ones(32);
        var cases = new (string, Action)[]
        {
            ("MaxPool2d 2 forward+backward, 32×28×28", () =>
            {
                using var scope = TensorScope.Begin();
                x1.RequiresGrad = true;
                var y = Tensor.MaxPool2d(x1, 2);
                y.Backward(g1);
                x1.Grad = null;
            }),
            ("BatchNorm2d(32) training forward+backward, 32×28×28", () =>
            {
                using var scope = TensorScope.Begin();
                x1.RequiresGrad = true;
                var y = Tensor.BatchNorm(x1, rm, rv, gamma, beta, training: true);
                y.Backward(x1);
                x1.Grad = null;
            }),
        };
        Console.WriteLine($"| layer (N={batch}) | 1 thread CPU ms | {cores} threads wall ms |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (name, work) in cases)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {CpuSeconds(work, budget) * 1e3:F2} | {Seconds(work, -1, budget) * 1e3:F2} |"));
        }

        var model = new Sequential(new Conv2d(1, 32, 3, padding: 1, seed: 1), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
            new Conv2d(32, 64, 3, padding: 1, seed: 2), new BatchNorm2d(64), new ReLU(), new MaxPool2d(2), new Flatten(),
            new Linear(3136, 128, seed: 3), new ReLU(), new Dropout(0.25, seed: 4), new Linear(128, 10, seed: 5));
        var images = Tensor.RandomNormal([batch, 1, 28, 28], seed: 7);
        var labels = Enumerable.Range(0, batch).Select(i => i % 10).ToArray();
        void Step()
        {
            using var scope = TensorScope.Begin();
            Losses.CrossEntropy(model.Forward(images), labels).Backward();
            foreach (var p in model.Parameters()) p.Grad = null;
        }
        Step();
        Step();
        double step1 = CpuSeconds(Step, budget), stepAll = Seconds(Step, -1, budget);
        long bytes;
        using (Parallelism.Limit(1)) bytes = Allocations.Least(Step);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Whole CNN step (forward + backward, no optimizer), N={batch}: {step1 * 1e3:F1} CPU ms on 1 thread, {stepAll * 1e3:F1} wall ms on {cores}; {bytes} B allocated per step on 1 thread after warm-up"));
    }
}

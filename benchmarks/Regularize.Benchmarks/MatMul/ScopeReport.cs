using System.Diagnostics;
using System.Globalization;
using Regularize.Tensors;

namespace Regularize.Benchmarks.MatMul;

/// <summary>
/// <c>-- scope-report</c>: <see cref="Tensor.MatMul"/> of n×n operands called the way user code calls it, outside a
/// <see cref="TensorScope"/> (each result a fresh array left to the collector), against the same call inside a scope
/// (results rented from the pool and returned when the scope ends), and outside a scope into one reused destination
/// (<see cref="Tensor.MatMul(Tensor, Tensor, Tensor, bool, bool)"/>), interleaved in one process so that a busy
/// moment on a shared machine affects all three. Prints the best time of each and the ratios to the in-scope time.
/// </summary>
public static class ScopeReport
{
    public static int Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 15;
        foreach (int n in new[] { 512, 1024 })
        {
            var a = Tensor.RandomNormal([n, n], seed: 1);
            var b = Tensor.RandomNormal([n, n], seed: 2);
            int calls = n == 512 ? 8 : 2; // per timed block: enough results that the collector has to act
            double Outside()
            {
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < calls; i++) Tensor.MatMul(a, b);
                return clock.Elapsed.TotalSeconds / calls;
            }
            double Inside()
            {
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < calls; i++)
                {
                    using var scope = TensorScope.Begin();
                    Tensor.MatMul(a, b);
                }
                return clock.Elapsed.TotalSeconds / calls;
            }
            var destination = Tensor.Zeros(n, n);
            double Into()
            {
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < calls; i++) Tensor.MatMul(a, b, destination);
                return clock.Elapsed.TotalSeconds / calls;
            }
            Outside(); Inside(); Into(); Outside(); Inside(); Into(); // warm-up: JIT, packing buffers, the pool
            double bestOut = double.MaxValue, bestIn = double.MaxValue, bestInto = double.MaxValue;
            int gen2Before = GC.CollectionCount(2);
            for (int r = 0; r < rounds; r++)
            {
                bestOut = Math.Min(bestOut, Outside());
                bestIn = Math.Min(bestIn, Inside());
                bestInto = Math.Min(bestInto, Into());
            }
            double flops = 2.0 * n * n * n;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{n}³: outside {flops / bestOut / 1e9:F1} GFLOP/s, into a destination {flops / bestInto / 1e9:F1}, inside {flops / bestIn / 1e9:F1}; " +
                $"time / inside: outside {bestOut / bestIn:F2}, into a destination {bestInto / bestIn:F2} " +
                $"(best of {rounds} interleaved rounds of {calls} calls; {GC.CollectionCount(2) - gen2Before} gen-2 collections)"));
        }
        return 0;
    }
}

using System.Diagnostics;
using System.Globalization;
using Regularize.Decomposition;

namespace Regularize.Benchmarks.Decomposition;

/// <summary>
/// Regularize's half of the PCA side-by-side (<c>benchmarks/side-by-side/pca.sh</c>): fits <see cref="Pca"/> to the
/// Fashion-MNIST training images (60,000 × 784 with the full set) several times and prints one JSON line per solver
/// with the seconds of each fit and the leading singular values, as <c>torch_pca.py</c> does.
/// </summary>
/// <remarks>
/// Usage: <c>pca [--data DIR] [--rows N] [--k 50] [--oversampling 10] [--power-iterations 2] [--repeats 3]
/// [--solvers randomized,covariance,full]</c>. <c>full</c> is MathNet.Numerics' float64 thin QR followed by the SVD of
/// the triangular factor (MathNet's own <c>Svd</c> on the 60,000-row matrix would form a 60,000 × 60,000 U); it is
/// timed once whatever <c>--repeats</c> says. The thread count is the process's (<c>DOTNET_PROCESSOR_COUNT</c>).
/// </remarks>
public static class PcaRun
{
    /// <summary>Runs the fits and prints the JSON lines; returns 0.</summary>
    public static int Run(string[] args)
    {
        string data = PcaData.DefaultFolder();
        int? rows = null;
        int k = 50, oversampling = 10, powerIterations = 2, repeats = 3;
        string[] solvers = ["randomized", "covariance", "full"];
        for (int i = 0; i < args.Length; i += 2)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"pca: {args[i]} needs a value.");
            switch (args[i])
            {
                case "--data": data = value; break;
                case "--rows": rows = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--k": k = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--oversampling": oversampling = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--power-iterations": powerIterations = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--repeats": repeats = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--solvers": solvers = value.Split(','); break;
                default: throw new ArgumentException($"pca: unknown option {args[i]}.");
            }
        }
        var x = PcaData.Load(data, rows);
        foreach (string name in solvers)
        {
            var solver = Enum.Parse<PcaSolver>(name, ignoreCase: true);
            var seconds = new List<double>();
            Pca? pca = null;
            for (int r = 0; r < (solver == PcaSolver.Full ? 1 : repeats); r++)
            {
                long start = Stopwatch.GetTimestamp();
                pca = new Pca(components: k, solver: solver, oversampling: oversampling, powerIterations: powerIterations, seed: (ulong)r).Fit(x);
                seconds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
            string S(IEnumerable<double> v) => string.Join(", ", v.Select(d => d.ToString("R", CultureInfo.InvariantCulture)));
            Console.WriteLine($"{{\"framework\": \"regularize\", \"method\": \"{name}\", \"threads\": {Environment.ProcessorCount}, " +
                $"\"rows\": {x.Shape[0]}, \"cols\": {x.Shape[1]}, \"k\": {k}, \"seconds\": [{S(seconds)}], " +
                $"\"singular_values\": [{S(pca!.SingularValues.Select(v => (double)v))}]}}");
        }
        return 0;
    }
}

using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Regularize.Decomposition;
using Regularize.Tensors;

namespace Regularize.Benchmarks.Decomposition;

/// <summary>
/// PCA of the Fashion-MNIST training images, top 50 components: the randomized solver (oversampling 10, q = 2 and
/// scikit-learn's q = 7 for k &lt; 0.1·min(m, n)) and the exact covariance solver, both on our packed GEMM. The
/// float64 MathNet reference (<see cref="PcaSolver.Full"/>) takes minutes on the full set and is timed once by
/// <c>-- pca</c> (<see cref="PcaRun"/>) instead. A short in-process job: 1 warm-up, 3 measured fits.
/// </summary>
[Config(typeof(Config))]
public class PcaBenchmarks
{
    private Tensor _x = null!;

    /// <summary>The short in-process job.</summary>
    public sealed class Config : ManualConfig
    {
        /// <summary>Creates the configuration.</summary>
        public Config() => AddJob(Job.ShortRun.WithWarmupCount(1).WithIterationCount(3).WithLaunchCount(1).WithToolchain(InProcessEmitToolchain.Instance));
    }

    /// <summary>Loads the data once.</summary>
    [GlobalSetup]
    public void Setup() => _x = PcaData.Load(PcaData.DefaultFolder());

    /// <summary>Randomized, two power iterations (as <c>torch.pca_lowrank</c>'s default niter = 2).</summary>
    [Benchmark(Baseline = true)]
    public Pca RandomizedQ2() => new Pca(components: 50, solver: PcaSolver.Randomized, powerIterations: 2).Fit(_x);

    /// <summary>Randomized with scikit-learn's default power iterations for this shape (7).</summary>
    [Benchmark]
    public Pca RandomizedDefault() => new Pca(components: 50, solver: PcaSolver.Randomized).Fit(_x);

    /// <summary>Exact: eigendecomposition of the 784 × 784 covariance formed on the GEMM.</summary>
    [Benchmark]
    public Pca Covariance() => new Pca(components: 50, solver: PcaSolver.Covariance).Fit(_x);
}

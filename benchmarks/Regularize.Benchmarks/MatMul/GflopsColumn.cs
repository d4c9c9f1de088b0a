using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Regularize.Benchmarks.Hardware;

namespace Regularize.Benchmarks.MatMul;

/// <summary>
/// Adds GFLOP/s (2·m·n·k / mean time, from the benchmark's <c>Case</c> parameter) and, with
/// <paramref name="fractionOfPeak"/>, that rate as a percentage of the FMA peak measured in the host process when
/// the summary is printed (one core when the <c>Threads</c> parameter is 1, all cores otherwise).
/// </summary>
/// <param name="fractionOfPeak">Show the percentage of peak instead of GFLOP/s.</param>
public sealed class GflopsColumn(bool fractionOfPeak) : IColumn
{
    private static readonly Lazy<double> PeakOneCore = new(() => FmaPeakLoop.MeasureGflops(1, repeats: 20, seconds: 0.03));
    private static readonly Lazy<double> PeakAllCores = new(() =>
        FmaPeakLoop.MeasureGflops(Environment.ProcessorCount, repeats: 20, seconds: 0.03));

    /// <inheritdoc/>
    public string Id => fractionOfPeak ? "PercentOfPeak" : "Gflops";

    /// <inheritdoc/>
    public string ColumnName => fractionOfPeak ? "% of FMA peak" : "GFLOP/s";

    /// <inheritdoc/>
    public bool AlwaysShow => true;

    /// <inheritdoc/>
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc/>
    public int PriorityInCategory => fractionOfPeak ? 1 : 0;

    /// <inheritdoc/>
    public bool IsNumeric => true;

    /// <inheritdoc/>
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc/>
    public string Legend => fractionOfPeak
        ? "GFLOP/s as a percentage of the register-only Vector256 FMA peak (1 core for Threads = 1, else all cores)"
        : "Floating-point operations per second: 2·m·n·k / mean";

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        BenchmarkReport? report = summary[benchmarkCase];
        if (report?.ResultStatistics is not { } statistics || benchmarkCase.Parameters["Case"] is not GemmCase shape)
        {
            return "-";
        }
        double gflops = shape.Flops / statistics.Mean; // flops per nanosecond = GFLOP/s
        if (!fractionOfPeak)
        {
            return gflops.ToString("F1", CultureInfo.InvariantCulture);
        }
        if (!System.Runtime.Intrinsics.X86.Fma.IsSupported)
        {
            return "-";
        }
        bool single = benchmarkCase.Parameters["Threads"] is 1;
        double peak = single ? PeakOneCore.Value : PeakAllCores.Value;
        return (100 * gflops / peak).ToString("F0", CultureInfo.InvariantCulture) + "%";
    }

    /// <inheritdoc/>
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc/>
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <inheritdoc/>
    public override string ToString() => ColumnName;
}

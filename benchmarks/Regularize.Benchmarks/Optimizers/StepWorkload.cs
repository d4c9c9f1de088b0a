using Regularize.Nn;
using Regularize.Benchmarks.Hardware;
using Regularize.Optimizers;
using Regularize.Tensors;

namespace Regularize.Benchmarks.Optimizers;

/// <summary>
/// Parameters and gradients for step benchmarks: <c>total</c> elements in <c>tensors</c> tensors of odd
/// lengths (never a multiple of the vector width), plus the scalar path over the same data as a baseline.
/// </summary>
public sealed class StepWorkload
{
    /// <summary>Builds the parameters and the optimizer named <paramref name="optimizer"/> in <see cref="StepCases"/> (Sgd = momentum 0.9, Adam = coupled λ 1e-4, AdamW = λ 1e-2…).</summary>
    /// <param name="optimizer">A name in <see cref="StepCases.All"/>.</param>
    /// <param name="total">The total parameter count.</param>
    /// <param name="tensors">How many tensors to split it into.</param>
    /// <param name="threads">The optimizer's MaxDegreeOfParallelism.</param>
    /// <param name="staggered">Place θ and g at different offsets (as an arena would) instead of fresh, alike-aligned GC arrays.</param>
    public StepWorkload(string optimizer, int total, int tensors, int threads, bool staggered = false)
    {
        Case = StepCases.Find(optimizer);
        Kind = Case.Name;
        int cols = Math.Max(1, Case.Columns);
        int per = (Math.Max(1, total / tensors / cols) | 1) * cols;
        Parameters = new Parameter[tensors];
        for (int k = 0; k < tensors; k++)
        {
            int n = k == tensors - 1 ? (Math.Max(1, (total - per * (tensors - 1)) / cols) | 1) * cols : per;
            var p = new Parameter(Shaped(Make(n, 0.5f, staggered ? 0 : -1), Case.Columns), $"layers.{k}.weight")
            {
                Grad = Shaped(Make(n, 1e-3f, staggered ? 2 : -1), Case.Columns),
            };
            Parameters[k] = p;
        }
        Elements = Parameters.Sum(p => (long)p.Length);
        double squares = 0;
        foreach (var p in Parameters) foreach (float g in p.Grad!.Span) squares += (double)g * g;
        GradientNorm = Math.Sqrt(squares);
        Optimizer = Case.Create(Parameters);
        Optimizer.MaxDegreeOfParallelism = threads;
        Optimizer.Step(); // creates the state
        _scalar = Case.Create(Parameters);
        _scalar.MaxDegreeOfParallelism = 1;
        _scalar.ScalarOnly = true;
        _scalar.Step();
    }

    private readonly Optimizer _scalar;

    private static Tensor Make(int n, float value, int lane)
    {
        if (lane < 0) return Tensor.Full(value, n);
        int offset = lane * 1040 + 520;
        var t = new Tensor(new float[n + offset], offset, new Shape(n));
        t.Span.Fill(value);
        return t;
    }

    private static Tensor Shaped(Tensor t, int columns) => columns == 0 ? t : t.Reshape(t.Length / columns, columns);

    /// <summary>The optimizer's name in <see cref="StepCases"/>.</summary>
    public string Kind { get; }

    /// <summary>The optimizer's entry: construction and traffic.</summary>
    public StepCase Case { get; }

    /// <summary>The global L2 norm of the gradients (they never change), for <see cref="NormStep"/>.</summary>
    public double GradientNorm { get; }

    /// <summary>The parameters (with gradients).</summary>
    public Parameter[] Parameters { get; }

    /// <summary>The optimizer under test.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The total element count.</summary>
    public long Elements { get; }

    /// <summary>Bytes a step's update must move per element (<see cref="StepTraffic.BytesPerElement"/>): 7 × 4 for Adam/AdamW, 5 × 4 for SGD with momentum.</summary>
    public int BytesPerElement => Case.Traffic.BytesPerElement;

    /// <summary><c>Step(gradientNorm)</c>: the step after global-norm clipping, which skips its own check pass over g.</summary>
    public void NormStep() => Optimizer.Step(GradientNorm);

    /// <summary>A probe sized for this workload's traffic (enough arrays for its widest pass).</summary>
    public MemoryBandwidth NewProbe() => new((int)Elements, Math.Max(4, Case.Traffic.Streams));

    /// <summary>Runs <paramref name="probe"/> over this optimizer's traffic pattern: each pass in turn, on <paramref name="threads"/> threads.</summary>
    public void Probe(MemoryBandwidth probe, int threads)
    {
        foreach (var pass in Case.Traffic.Passes) probe.Streams(pass.Reads, pass.Writes, threads);
    }

    /// <summary>The same update through the scalar form only, one thread (the benchmarks' baseline); its own state, the same θ and g.</summary>
    public void ScalarStep() => _scalar.Step();
}

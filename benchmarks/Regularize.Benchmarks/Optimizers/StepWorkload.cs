using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Tensors;

namespace Regularize.Benchmarks.Optimizers;

/// <summary>
/// Parameters and gradients for step benchmarks: <c>total</c> elements in <c>tensors</c> tensors of odd
/// lengths (never a multiple of the vector width), plus the scalar path over the same data as a baseline.
/// </summary>
public sealed class StepWorkload
{
    /// <summary>Builds the parameters and an optimizer of kind <paramref name="optimizer"/> (Sgd = momentum 0.9, Adam = coupled λ 1e-4, AdamW = λ 1e-2).</summary>
    /// <param name="optimizer">Sgd, Adam or AdamW.</param>
    /// <param name="total">The total parameter count.</param>
    /// <param name="tensors">How many tensors to split it into.</param>
    /// <param name="threads">The optimizer's MaxDegreeOfParallelism.</param>
    /// <param name="staggered">Place θ and g at different offsets (as an arena would) instead of fresh, alike-aligned GC arrays.</param>
    public StepWorkload(string optimizer, int total, int tensors, int threads, bool staggered = false)
    {
        Kind = optimizer;
        int per = Math.Max(1, total / tensors) | 1;
        Parameters = new Parameter[tensors];
        for (int k = 0; k < tensors; k++)
        {
            int n = k == tensors - 1 ? Math.Max(1, total - per * (tensors - 1)) | 1 : per;
            var p = new Parameter(Make(n, 0.5f, staggered ? 0 : -1), $"layers.{k}.weight") { Grad = Make(n, 1e-3f, staggered ? 2 : -1) };
            Parameters[k] = p;
        }
        Elements = Parameters.Sum(p => (long)p.Length);
        Optimizer = Create(optimizer, Parameters);
        Optimizer.MaxDegreeOfParallelism = threads;
        Optimizer.Step(); // creates the state
        _scalar = Create(optimizer, Parameters);
        _scalar.MaxDegreeOfParallelism = 1;
        _scalar.ScalarOnly = true;
        _scalar.Step();
    }

    private readonly Optimizer _scalar;

    private static Optimizer Create(string optimizer, Parameter[] parameters) => optimizer switch
    {
        "Sgd" => new Sgd(parameters, learningRate: 1e-3, momentum: 0.9),
        "Adam" => new Adam(parameters, weightDecay: 1e-4),
        "AdamW" => new AdamW(parameters),
        "Rmsprop" => new Rmsprop(parameters, weightDecay: 1e-4),
        "Adagrad" => new Adagrad(parameters, weightDecay: 1e-4),
        "Adadelta" => new Adadelta(parameters, weightDecay: 1e-4),
        "Adamax" => new Adamax(parameters, weightDecay: 1e-4),
        _ => throw new ArgumentException(optimizer),
    };

    private static Tensor Make(int n, float value, int lane)
    {
        if (lane < 0) return Tensor.Full(value, n);
        int offset = lane * 1040 + 520;
        var t = new Tensor(new float[n + offset], offset, new Shape(n));
        t.Span.Fill(value);
        return t;
    }

    /// <summary>Sgd, Adam or AdamW.</summary>
    public string Kind { get; }

    /// <summary>The parameters (with gradients).</summary>
    public Parameter[] Parameters { get; }

    /// <summary>The optimizer under test.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The total element count.</summary>
    public long Elements { get; }

    /// <summary>Bytes a step must move per element: 7 × 4 for Adam/AdamW/Adadelta/Adamax (θ, g, two slots), 5 × 4 for SGD with momentum, Rmsprop and Adagrad (θ, g, one slot).</summary>
    public int BytesPerElement => Kind is "Sgd" or "Rmsprop" or "Adagrad" ? 20 : 28;

    /// <summary>The same update through the scalar form only, one thread (the benchmarks' baseline); its own state, the same θ and g.</summary>
    public void ScalarStep() => _scalar.Step();
}

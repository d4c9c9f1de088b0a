using Regularize.Optimizers;

namespace Regularize.Benchmarks.Optimizers;

/// <summary>
/// Every optimizer the step guard and <c>step-report</c> measure, one line each: name, construction, traffic per element
/// (reads, writes) and the arrays it moves. A new optimizer adds one line here.
/// </summary>
public static class StepCases
{
    /// <summary>The optimizers, in table order.</summary>
    public static IReadOnlyList<StepCase> All { get; } =
    [
        new("Sgd", p => new Sgd(p, learningRate: 1e-3, momentum: 0.9), StepTraffic.Elementwise(3, 2), "θ,g,b → θ,b"),
        new("SgdW", p => new SgdW(p, learningRate: 1e-3, momentum: 0.9, weightDecay: 1e-2), StepTraffic.Elementwise(3, 2), "θ,g,b → θ,b"),
        new("Adam", p => new Adam(p, weightDecay: 1e-4), StepTraffic.Elementwise(4, 3), "θ,g,m,v → θ,m,v"),
        new("AdamW", p => new AdamW(p), StepTraffic.Elementwise(4, 3), "θ,g,m,v → θ,m,v"),
        new("Lion", p => new Lion(p, weightDecay: 1e-1), StepTraffic.Elementwise(3, 2), "θ,g,m → θ,m"),
        new("Lamb", p => new Lamb(p), StepTraffic.Reducing(new(4, 2), new(4, 1)), "θ,g,m,v → m,v; θ,g,m,v → θ"),
        new("Rmsprop", p => new Rmsprop(p, weightDecay: 1e-4), StepTraffic.Elementwise(3, 2), "θ,g,v → θ,v"),
        new("Adagrad", p => new Adagrad(p, weightDecay: 1e-4), StepTraffic.Elementwise(3, 2), "θ,g,sum → θ,sum"),
        new("Adadelta", p => new Adadelta(p, weightDecay: 1e-4), StepTraffic.Elementwise(4, 3), "θ,g,v,u → θ,v,u"),
        new("Adamax", p => new Adamax(p, weightDecay: 1e-4), StepTraffic.Elementwise(4, 3), "θ,g,m,u → θ,m,u"),
        new("NAdam", p => new NAdam(p, weightDecay: 1e-4), StepTraffic.Elementwise(4, 3), "θ,g,m,v → θ,m,v"),
        new("RAdam", p => new RAdam(p, beta2: 0.9, weightDecay: 1e-4), StepTraffic.Elementwise(4, 3), "θ,g,m,v → θ,m,v"),
        new("Rprop", p => new Rprop(p), StepTraffic.Elementwise(4, 3), "θ,g,prev,stepSize → θ,prev,stepSize"),
        new("Asgd", p => new Asgd(p, t0: 0, weightDecay: 1e-4), StepTraffic.Elementwise(3, 2), "θ,g,ax → θ,ax (averaging)"),
        new("Lars", p => new Lars(p, learningRate: 0.1, weightDecay: 1e-4), StepTraffic.Reducing(new(2, 0), new(3, 2)), "θ,g → ‖θ‖,‖g‖; θ,g,b → θ,b"),
        new("ScheduleFreeAdamW", p => new ScheduleFreeAdamW(p, weightDecay: 1e-2), StepTraffic.Elementwise(4, 3), "y,g,z,v → y,z,v"),
        new("Adafactor", p => new Adafactor(p, weightDecay: 1e-2), new([new(1, 0), new(2, 0), new(2, 1)]), "g → row/col sums; θ,g → RMS; θ,g → θ", Columns: 1001),
        new("AdafactorVector", p => new Adafactor(p, weightDecay: 1e-2), StepTraffic.Reducing(new(3, 1), new(3, 1)), "θ,g,v → v, RMS; θ,g,v → θ"),
    ];

    /// <summary>The case named <paramref name="name"/> (any case).</summary>
    /// <exception cref="ArgumentException">No such optimizer; the message lists the names.</exception>
    public static StepCase Find(string name) =>
        All.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown optimizer '{name}'; choose from {string.Join(", ", All.Select(c => c.Name))}", nameof(name));
}

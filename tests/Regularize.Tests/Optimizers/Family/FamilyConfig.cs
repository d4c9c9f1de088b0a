using System.Text.Json;

namespace Regularize.Tests.Optimizers.Family;

/// <summary>
/// The hyperparameters of one parameter group for <see cref="FamilyReference"/>: one record for all thirteen
/// optimizers, each reading the properties it uses. <see cref="Defaults"/> gives torch 1.13's defaults for the
/// torch optimizers and the papers' defaults for the others; <see cref="FromFixture"/> applies a fixture case's
/// options (camelCase names, see Fixtures/optim_family/generate.py) and its group's lr and weight decay.
/// </summary>
public sealed record FamilyConfig
{
    /// <summary>γ, the (group's) learning rate. Adafactor uses it only when <see cref="RelativeStep"/> is off.</summary>
    public double LearningRate { get; init; }
    /// <summary>λ. Coupled (added to g) for the torch family and LARS; decoupled for Lion, LAMB (inside r), ScheduleFree (at y), Adafactor.</summary>
    public double WeightDecay { get; init; }
    /// <summary>Ascend instead of descend: g ← −g first (torch optimizers that have the option).</summary>
    public bool Maximize { get; init; }
    /// <summary>ε of the denominator (Adagrad, RMSprop, Adadelta, Adamax, NAdam, RAdam, LAMB, LARS, ScheduleFree).</summary>
    public double Epsilon { get; init; }
    /// <summary>RMSprop's smoothing constant α; ASGD's power α of the η decay.</summary>
    public double Alpha { get; init; }
    /// <summary>μ: RMSprop's and LARS's momentum.</summary>
    public double Momentum { get; init; }
    /// <summary>RMSprop: divide by the estimated variance (v − ḡ²) instead of v.</summary>
    public bool Centered { get; init; }
    /// <summary>Adagrad's η in γ̃ = γ / (1 + (t − 1)η).</summary>
    public double LearningRateDecay { get; init; }
    /// <summary>Adagrad's τ, the initial value of the sum of squares.</summary>
    public double InitialAccumulatorValue { get; init; }
    /// <summary>Adadelta's ρ.</summary>
    public double Rho { get; init; }
    /// <summary>β₁ (Adamax, NAdam, RAdam, Lion, LAMB, ScheduleFree; Adafactor's optional momentum, 0 = none).</summary>
    public double Beta1 { get; init; }
    /// <summary>β₂ (Adamax's infinity-norm decay, NAdam, RAdam, Lion, LAMB, ScheduleFree).</summary>
    public double Beta2 { get; init; }
    /// <summary>NAdam's ψ in μₜ = β₁(1 − ½·0.96^(tψ)).</summary>
    public double MomentumDecay { get; init; }
    /// <summary>Rprop's η₋ (step shrink on a sign change).</summary>
    public double EtaMinus { get; init; }
    /// <summary>Rprop's η₊ (step growth on the same sign).</summary>
    public double EtaPlus { get; init; }
    /// <summary>Rprop's smallest step size.</summary>
    public double StepSizeMin { get; init; }
    /// <summary>Rprop's largest step size.</summary>
    public double StepSizeMax { get; init; }
    /// <summary>ASGD's λ (the decay term θ ← θ(1 − λη) and the η schedule).</summary>
    public double Lambda { get; init; }
    /// <summary>ASGD's t₀, the step after which averaging starts.</summary>
    public double T0 { get; init; }
    /// <summary>LARS's trust coefficient η.</summary>
    public double TrustCoefficient { get; init; }
    /// <summary>LAMB/LARS: use the layer-wise trust ratio. Off for excluded tensors (biases, norm layers): ratio 1.</summary>
    public bool LayerAdaptation { get; init; } = true;
    /// <summary>ScheduleFree: linear warm-up length in steps (0 = none).</summary>
    public int WarmupSteps { get; init; }
    /// <summary>ScheduleFree: the average's polynomial weight power r (weight ∝ t^r·γ_max^p).</summary>
    public double AveragePower { get; init; }
    /// <summary>ScheduleFree: the power p of the largest lr so far in the average's weights.</summary>
    public double WeightLrPower { get; init; }
    /// <summary>Adafactor's ε₁, added to g² (regularises the second moment).</summary>
    public double Epsilon1 { get; init; }
    /// <summary>Adafactor's ε₂, the floor of the parameter scale RMS(θ).</summary>
    public double Epsilon2 { get; init; }
    /// <summary>Adafactor's update clipping threshold d.</summary>
    public double ClipThreshold { get; init; }
    /// <summary>Adafactor's c in β̂₂ₜ = 1 − t^(−c).</summary>
    public double DecayExponent { get; init; }
    /// <summary>Adafactor: ρₜ = min(10⁻², 1/√t) instead of the learning rate.</summary>
    public bool RelativeStep { get; init; }
    /// <summary>Adafactor: multiply the step by max(ε₂, RMS(θ)).</summary>
    public bool ScaleParameter { get; init; }
    /// <summary>Adafactor: factor the second moment of tensors with two or more dimensions.</summary>
    public bool Factored { get; init; }

    /// <summary>The optimizers with a torch 1.13 fixture.</summary>
    public static readonly string[] TorchOptimizers = ["RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam", "Rprop", "ASGD"];

    /// <summary>The optimizers checked against their papers.</summary>
    public static readonly string[] PaperOptimizers = ["Lion", "LAMB", "LARS", "ScheduleFreeAdamW", "Adafactor"];

    /// <summary>torch 1.13's constructor defaults (torch optimizers) or the paper's / reference code's (others).</summary>
    public static FamilyConfig Defaults(string optimizer) => optimizer switch
    {
        "RMSprop" => new() { LearningRate = 1e-2, Alpha = 0.99, Epsilon = 1e-8 },
        "Adagrad" => new() { LearningRate = 1e-2, Epsilon = 1e-10 },
        "Adadelta" => new() { LearningRate = 1.0, Rho = 0.9, Epsilon = 1e-6 },
        "Adamax" => new() { LearningRate = 2e-3, Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8 },
        "NAdam" => new() { LearningRate = 2e-3, Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8, MomentumDecay = 4e-3 },
        "RAdam" => new() { LearningRate = 1e-3, Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8 },
        "Rprop" => new() { LearningRate = 1e-2, EtaMinus = 0.5, EtaPlus = 1.2, StepSizeMin = 1e-6, StepSizeMax = 50 },
        "ASGD" => new() { LearningRate = 1e-2, Lambda = 1e-4, Alpha = 0.75, T0 = 1e6 },
        // Chen et al. 2023, §3 / google/automl lion_pytorch.py: lr 1e-4, β₁ 0.9, β₂ 0.99.
        "Lion" => new() { LearningRate = 1e-4, Beta1 = 0.9, Beta2 = 0.99 },
        // You et al. 2020, Algorithm 2 (ε 1e-6 as in their BERT runs).
        "LAMB" => new() { LearningRate = 1e-3, Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-6 },
        // You et al. 2017, Algorithm 1 (trust coefficient η = 0.001), momentum 0.9.
        "LARS" => new() { LearningRate = 0.1, Momentum = 0.9, TrustCoefficient = 1e-3, Epsilon = 0 },
        // Defazio et al. 2024 / facebookresearch/schedule_free: lr 0.0025, β (0.9, 0.999), ε 1e-8, r 0, p 2.
        "ScheduleFreeAdamW" => new() { LearningRate = 2.5e-3, Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8, WeightLrPower = 2 },
        // Shazeer & Stern 2018, §9 / Algorithms 4–5: ε₁ 1e-30, ε₂ 1e-3, d 1, β̂₂ₜ = 1 − t^−0.8, relative step, no momentum.
        "Adafactor" => new() { Epsilon1 = 1e-30, Epsilon2 = 1e-3, ClipThreshold = 1, DecayExponent = 0.8, RelativeStep = true, ScaleParameter = true, Factored = true },
        _ => throw new ArgumentException($"Unknown optimizer '{optimizer}'.", nameof(optimizer)),
    };

    /// <summary>The config of one group of a fixture case: the optimizer's defaults, the case's options, the group's lr and weight decay.</summary>
    public static FamilyConfig FromFixture(JsonElement fixtureCase, JsonElement group)
    {
        var c = Defaults(fixtureCase.GetProperty("optimizer").GetString()!);
        foreach (var o in fixtureCase.GetProperty("options").EnumerateObject()) c = c.With(o.Name, o.Value);
        c = c with { LearningRate = group.GetProperty("learningRate").GetDouble() };
        if (group.TryGetProperty("weightDecay", out var wd)) c = c with { WeightDecay = wd.GetDouble() };
        return c;
    }

    /// <summary>This config with one option set by its fixture (camelCase) name; unknown names throw, so a new option in the generator cannot be silently ignored.</summary>
    public FamilyConfig With(string name, JsonElement value) => name switch
    {
        "alpha" => this with { Alpha = value.GetDouble() },
        "epsilon" => this with { Epsilon = value.GetDouble() },
        "momentum" => this with { Momentum = value.GetDouble() },
        "centered" => this with { Centered = value.GetBoolean() },
        "maximize" => this with { Maximize = value.GetBoolean() },
        "learningRateDecay" => this with { LearningRateDecay = value.GetDouble() },
        "initialAccumulatorValue" => this with { InitialAccumulatorValue = value.GetDouble() },
        "rho" => this with { Rho = value.GetDouble() },
        "beta1" => this with { Beta1 = value.GetDouble() },
        "beta2" => this with { Beta2 = value.GetDouble() },
        "momentumDecay" => this with { MomentumDecay = value.GetDouble() },
        "etaMinus" => this with { EtaMinus = value.GetDouble() },
        "etaPlus" => this with { EtaPlus = value.GetDouble() },
        "stepSizeMin" => this with { StepSizeMin = value.GetDouble() },
        "stepSizeMax" => this with { StepSizeMax = value.GetDouble() },
        "lambda" => this with { Lambda = value.GetDouble() },
        "t0" => this with { T0 = value.GetDouble() },
        _ => throw new ArgumentException($"Unknown fixture option '{name}'.", nameof(name)),
    };
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Regularize.Nn;
using Regularize.Regularization;
using Regularize.Tensors;
using Regularize.Tensors.Kernels;

namespace Regularize.Optimizers;

/// <summary>
/// Adafactor (Shazeer &amp; Stern 2018, "Adafactor: Adaptive Learning Rates with Sublinear Memory Cost", ICML,
/// arXiv:1804.04235, Algorithms 4 and 5 with §6's update clipping, §7.2's increasing decay, §8's relative step and
/// parameter scale, §9's defaults): a second moment kept as a row and a column statistic for tensors of two or more
/// dimensions (memory rows + columns instead of rows·columns), unfactored for vectors. Row and column statistics are
/// means, as in the authors' tensor2tensor <c>adafactor.py</c> (V̂ is the same either way). The weight decay sits
/// <b>inside the rule</b> (<see cref="DecayPlacement.InRule"/>): θ is shrunk by α·λ, with the step's α, not by
/// lr·λ (as Hugging Face's port does; the paper has no decay).
/// <code>
/// input: lr (used when relativeStep = 0), β₁, ε₁, ε₂, d (clipThreshold), c (decayExponent), λ (weightDecay)
/// for t = 1, 2, …, for each tensor:
///   g  = ∇f(θₜ₋₁)                                   (−∇f when maximize)
///   β̂  = 1 − t^(−c)
///   ρ  = min(10⁻², 1/√t) if relativeStep, else lr
///   α  = max(ε₂, RMS(θₜ₋₁))·ρ if scaleParameter, else ρ
///   G  = g² + ε₁
///   ≥ 2-D and factored (the last two dimensions, rows × columns; leading dimensions are separate matrices):
///     vRow    = β̂·vRow + (1 − β̂)·(mean of G over each row)
///     vColumn = β̂·vColumn + (1 − β̂)·(mean of G over each column)
///     U = (g · 1/√(vRow_i / mean(vRow))) · 1/√(vColumn_j)          (V̂ = vRow_i·vColumn_j / mean(vRow))
///   otherwise:
///     v = β̂·v + (1 − β̂)·G;  U = g / √v
///   Û  = U / max(1, RMS(U)/d)
///   s  = α·Û;  if β₁ &gt; 0: m = β₁·m + (1 − β₁)·s, s = m
///   θₜ = θₜ₋₁·(1 − α·λ) − s
/// </code>
/// How it runs. The factored statistics need the row and column means of G before any element can be updated, so
/// <see cref="Optimizer.Plan"/> attaches a statistics pass (<see cref="AdafactorFactors"/>): one read of g across cores,
/// over blocks of whole rows fixed by the shape, sums in double combined in a fixed order; it updates vRow and vColumn and
/// turns them into per-row and per-column factors, which the elementwise rule reads for its element through
/// <see cref="StateSlots.Index"/>. RMS(θ) and RMS(U) come from the reduce phase (<see cref="IReducingRule{TSelf}"/>, in
/// double), then the update phase applies them; every sum has the same bits at every SIMD width and thread count. So a
/// factored tensor reads g three times and θ twice and writes θ once (24 bytes per element without momentum); a vector
/// reads θ, g, v twice and writes v and θ (32 bytes).
/// <list type="table">
/// <listheader><term>symbol</term><description>in code</description></listheader>
/// <item><term>lr, β₁, λ</term><description><c>learningRate</c>, <c>beta1</c> (default 0: no momentum), <c>weightDecay</c></description></item>
/// <item><term>ε₁, ε₂</term><description><see cref="Epsilon1"/>, <see cref="Epsilon2"/></description></item>
/// <item><term>d, c</term><description><see cref="ClipThreshold"/>, <see cref="DecayExponent"/></description></item>
/// <item><term>relativeStep, scaleParameter</term><description><see cref="RelativeStep"/>, <see cref="ScaleParameter"/> (1 on, 0 off)</description></item>
/// <item><term>vRow, vColumn</term><description>slots <c>vRow</c> (the shape without its last dimension), <c>vColumn</c> (without the second to last)</description></item>
/// <item><term>v, m, t</term><description>slots <c>v</c> (unfactored tensors), <c>m</c> (β₁ &gt; 0), <see cref="SlotState.Step"/></description></item>
/// </list>
/// </summary>
public sealed class Adafactor : Optimizer
{
    private const int VRow = 0, VColumn = 1, V = 2, M = 3;
    private readonly bool _factored;
    private readonly Dictionary<Parameter, AdafactorFactors> _factors = new(ReferenceEqualityComparer.Instance);

    /// <summary>ε₁, added to g² before it enters the second moment; &gt; 0 (default 1e-30).</summary>
    public static Hyperparameter Epsilon1 { get; } = Hyperparameter.Define("epsilon1", 1e-30, minimumInclusive: false);

    /// <summary>ε₂, the smallest parameter scale RMS(θ) counts as; ≥ 0 (default 1e-3).</summary>
    public static Hyperparameter Epsilon2 { get; } = Hyperparameter.Define("epsilon2", 1e-3);

    /// <summary>d, the update clipping threshold on RMS(U); &gt; 0 (default 1).</summary>
    public static Hyperparameter ClipThreshold { get; } = Hyperparameter.Define("clipThreshold", 1, minimumInclusive: false);

    /// <summary>c in β̂ = 1 − t^(−c), in (0, 1] (default 0.8).</summary>
    public static Hyperparameter DecayExponent { get; } = Hyperparameter.Define("decayExponent", 0.8, minimumInclusive: false, maximum: 1);

    /// <summary>1 (default): ρ = min(10⁻², 1/√t) and lr is ignored; 0: ρ = lr.</summary>
    public static Hyperparameter RelativeStep { get; } = Hyperparameter.Define("relativeStep", 1, maximum: 1);

    /// <summary>1 (default): the step is scaled by max(ε₂, RMS(θ)); 0: it is not.</summary>
    public static Hyperparameter ScaleParameter { get; } = Hyperparameter.Define("scaleParameter", 1, maximum: 1);

    /// <summary>Creates Adafactor over <paramref name="parameters"/> in one group.</summary>
    /// <param name="parameters">The parameters to train.</param>
    /// <param name="learningRate">lr, ≥ 0: the step size when <paramref name="relativeStep"/> is false.</param>
    /// <param name="relativeStep">Use ρ = min(10⁻², 1/√t) instead of lr.</param>
    /// <param name="scaleParameter">Scale the step by max(ε₂, RMS(θ)).</param>
    /// <param name="beta1">β₁ of the optional momentum, in [0, 1); 0 keeps no m.</param>
    /// <param name="epsilon1">ε₁, &gt; 0.</param>
    /// <param name="epsilon2">ε₂, ≥ 0.</param>
    /// <param name="clipThreshold">d, &gt; 0.</param>
    /// <param name="decayExponent">c, in (0, 1].</param>
    /// <param name="weightDecay">λ, inside the rule (θ·(1 − α·λ)), ≥ 0.</param>
    /// <param name="factored">Factor the second moment of tensors with two or more dimensions (fixed for the optimizer's life: it decides the state's shapes).</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public Adafactor(IEnumerable<Parameter> parameters, double learningRate = 0, bool relativeStep = true, bool scaleParameter = true,
        double beta1 = 0, double epsilon1 = 1e-30, double epsilon2 = 1e-3, double clipThreshold = 1, double decayExponent = 0.8,
        double weightDecay = 0, bool factored = true, bool maximize = false)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))], learningRate, relativeStep, scaleParameter,
            beta1, epsilon1, epsilon2, clipThreshold, decayExponent, weightDecay, factored, maximize)
    {
    }

    /// <summary>Creates Adafactor over parameter groups; a group's unset values take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="learningRate">lr, ≥ 0: the step size when <paramref name="relativeStep"/> is false.</param>
    /// <param name="relativeStep">Use ρ = min(10⁻², 1/√t) instead of lr.</param>
    /// <param name="scaleParameter">Scale the step by max(ε₂, RMS(θ)).</param>
    /// <param name="beta1">β₁ of the optional momentum, in [0, 1); 0 keeps no m.</param>
    /// <param name="epsilon1">ε₁, &gt; 0.</param>
    /// <param name="epsilon2">ε₂, ≥ 0.</param>
    /// <param name="clipThreshold">d, &gt; 0.</param>
    /// <param name="decayExponent">c, in (0, 1].</param>
    /// <param name="weightDecay">λ, inside the rule (θ·(1 − α·λ)), ≥ 0.</param>
    /// <param name="factored">Factor the second moment of tensors with two or more dimensions.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public Adafactor(IEnumerable<ParameterGroup> groups, double learningRate = 0, bool relativeStep = true, bool scaleParameter = true,
        double beta1 = 0, double epsilon1 = 1e-30, double epsilon2 = 1e-3, double clipThreshold = 1, double decayExponent = 0.8,
        double weightDecay = 0, bool factored = true, bool maximize = false)
        : base(groups, ["vRow", "vColumn", "v", "m"], DecayPlacement.InRule,
            [(Hyperparameter.LearningRate, learningRate), (RelativeStep, relativeStep ? 1 : 0), (ScaleParameter, scaleParameter ? 1 : 0),
             (Hyperparameter.Beta1, beta1), (Epsilon1, epsilon1), (Epsilon2, epsilon2), (ClipThreshold, clipThreshold),
             (DecayExponent, decayExponent), (Hyperparameter.WeightDecay, weightDecay)],
            maximize: maximize)
    {
        _factored = factored;
    }

    /// <summary>Whether tensors with two or more dimensions keep factored second moments.</summary>
    public bool Factored => _factored;

    /// <summary>2⁶³, as for Adam: g² cannot overflow the second moment.</summary>
    protected override float GradientBound => Adam.GradientLimit;

    private bool IsFactored(Parameter p) => _factored && p.Shape.Rank >= 2;

    /// <summary>vRow: the parameter's shape without its last dimension; vColumn: without its second to last; v and m: the parameter's.</summary>
    protected internal override Shape SlotShape(int slot, Parameter parameter)
    {
        if (slot > VColumn || !IsFactored(parameter)) return parameter.Shape;
        var d = parameter.Shape.Dimensions.ToArray();
        return slot == VRow ? new Shape(d[..^1]) : new Shape([.. d[..^2], d[^1]]);
    }

    /// <inheritdoc/>
    protected override void ValidateImportedState(Parameter parameter, ParameterState state)
    {
        if (state.Step == 0) return;
        string[] needed = IsFactored(parameter) ? ["vRow", "vColumn"] : ["v"];
        foreach (var name in needed)
        {
            if (state.Tensors is null || !state.Tensors.TryGetValue(name, out var t) || t is null)
                throw new ArgumentException($"The state of parameter '{parameter.Name}' has step {state.Step} but no '{name}' tensor, which Adafactor needs for a {(IsFactored(parameter) ? "factored" : "unfactored")} parameter.", "state");
        }
    }

    /// <inheritdoc/>
    protected override void Plan(ParameterStep step)
    {
        var g = step.Group;
        var p = step.Parameter;
        double t = step.Step;
        double decay = 1 - Math.Pow(t, -g.Get(DecayExponent));                                   // β̂
        double rho = g.Get(RelativeStep) != 0 ? Math.Min(1e-2, 1 / Math.Sqrt(t)) : g.LearningRate;
        float decayF = (float)decay, mixF = (float)(1 - decay), eps1 = (float)g.Get(Epsilon1);
        bool momentum = g.Beta1 > 0;
        if (momentum) step.Allocate(M);
        AdafactorFactors? f = null;
        if (IsFactored(p))
        {
            step.Allocate(VRow);
            step.Allocate(VColumn);
            f = FactorsOf(p);
            float l1 = g.L1Mode == L1Mode.Subgradient ? (float)g.L1 : 0f;
            f.Set(p, step.State[VRow]!, step.State[VColumn]!, decayF, mixF, eps1, g.Maximize == true ? -1f : 1f, l1);
            step.Gather(f);
        }
        else step.Allocate(V);
        step.RunReducing(new Rule(f, decayF, mixF, eps1, rho, g.Get(ScaleParameter) != 0, g.Get(Epsilon2), g.Get(ClipThreshold),
            g.WeightDecay, (float)g.Beta1, (float)(1 - g.Beta1), momentum, p.Length, 1f, 1f, 1f));
    }

    private AdafactorFactors FactorsOf(Parameter p)
    {
        if (_factors.TryGetValue(p, out var f)) return f;
        var d = p.Shape.Dimensions;
        int rows = d[^2], cols = d[^1], batch = rows * cols == 0 ? 0 : p.Length / (rows * cols);
        f = new AdafactorFactors(batch, rows, cols);
        _factors[p] = f;
        return f;
    }

    /// <summary>Sixteen floats on the stack, for a vector of factors that crosses a row.</summary>
    [InlineArray(16)]
    private struct Lanes
    {
        private float _element;
    }

    /// <summary>
    /// Reduce: (unfactored) v = β̂·v + (1 − β̂)·(g·g + ε₁); yields θ and U. Update: s = α·(U / clip),
    /// m = β₁·m + (1 − β₁)·s when β₁ &gt; 0 (then s = m), θ = θ·(1 − α·λ) − s, with U recomputed from the state.
    /// </summary>
    internal readonly struct Rule(AdafactorFactors? factors, float decay, float mix, float epsilon1, double rho, bool scale, double epsilon2,
        double clipThreshold, double weightDecay, float beta1, float oneMinusBeta1, bool momentum, int length,
        float alpha, float clip, float shrink) : IReducingRule<Rule>
    {
        private readonly AdafactorFactors? _factors = factors;
        private readonly float _decay = decay, _mix = mix, _epsilon1 = epsilon1, _beta1 = beta1, _oneMinusBeta1 = oneMinusBeta1;
        private readonly double _rho = rho, _epsilon2 = epsilon2, _clipThreshold = clipThreshold, _weightDecay = weightDecay;
        private readonly bool _scale = scale, _momentum = momentum;
        private readonly int _length = length;
        private readonly float _alpha = alpha, _clip = clip, _shrink = shrink;

        /// <summary>α = max(ε₂, RMS(θ))·ρ (or ρ), clip = max(1, RMS(U)/d), shrink = 1 − α·λ; each rounded once.</summary>
        public static Rule Complete(in Rule r, double sumOfSquaresA, double sumOfSquaresB)
        {
            int n = Math.Max(r._length, 1);
            double alpha = r._scale ? Math.Max(r._epsilon2, Math.Sqrt(sumOfSquaresA / n)) * r._rho : r._rho;
            double clip = Math.Max(1, Math.Sqrt(sumOfSquaresB / n) / r._clipThreshold);
            return new Rule(r._factors, r._decay, r._mix, r._epsilon1, r._rho, r._scale, r._epsilon2, r._clipThreshold, r._weightDecay,
                r._beta1, r._oneMinusBeta1, r._momentum, r._length, (float)alpha, (float)clip, (float)(1 - alpha * r._weightDecay));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Reduce(in Rule r, float theta, float g, StateSlots s, out float a, out float b)
        {
            a = theta;
            if (r._factors is { } f)
            {
                b = Factored(f, g, s.Index);
                return;
            }
            ref float v = ref s[V];
            v = r._decay * v + r._mix * (g * g + r._epsilon1);
            b = g / MathF.Sqrt(v);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Reduce<TVec>(in Rule r, TVec theta, TVec g, StateSlots s, out TVec a, out TVec b) where TVec : struct, IFloatVector<TVec>
        {
            a = theta;
            if (r._factors is { } f)
            {
                b = Factored(f, g, s.Index);
                return;
            }
            var v = TVec.Create(r._decay) * s.Load<TVec>(V) + TVec.Create(r._mix) * (g * g + TVec.Create(r._epsilon1));
            s.Store(V, v);
            b = g / TVec.Sqrt(v);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Update(in Rule r, float theta, float g, StateSlots s)
        {
            float u = r._factors is { } f ? Factored(f, g, s.Index) : g / MathF.Sqrt(s[V]);
            float step = r._alpha * (u / r._clip);
            if (r._momentum)
            {
                ref float m = ref s[M];
                step = m = r._beta1 * m + r._oneMinusBeta1 * step;
            }
            return theta * r._shrink - step;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Update<TVec>(in Rule r, TVec theta, TVec g, StateSlots s) where TVec : struct, IFloatVector<TVec>
        {
            var u = r._factors is { } f ? Factored(f, g, s.Index) : g / TVec.Sqrt(s.Load<TVec>(V));
            var step = TVec.Create(r._alpha) * (u / TVec.Create(r._clip));
            if (r._momentum)
            {
                step = TVec.Create(r._beta1) * s.Load<TVec>(M) + TVec.Create(r._oneMinusBeta1) * step;
                s.Store(M, step);
            }
            return theta * TVec.Create(r._shrink) - step;
        }

        /// <summary>U = (g·rowFactor)·columnFactor for element k.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float Factored(AdafactorFactors f, float g, nuint k)
        {
            int index = (int)k, row = f.RowOf(index), j = index - row * f.Columns;
            return g * f.RowFactor[row] * f.ColumnFactor[f.ColumnStart[row] + j];
        }

        /// <summary>The vector form: one row factor and a contiguous run of column factors when the lanes stay in one row, else lane by lane.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TVec Factored<TVec>(AdafactorFactors f, TVec g, nuint k) where TVec : struct, IFloatVector<TVec>
        {
            int cols = f.Columns, index = (int)k, row = f.RowOf(index), j = index - row * cols;
            if (j + TVec.Count <= cols)
            {
                ref float columns = ref MemoryMarshal.GetArrayDataReference(f.ColumnFactor);
                return g * TVec.Create(Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(f.RowFactor), row)) * TVec.Load(ref columns, (nuint)(f.ColumnStart[row] + j));
            }
            return Crossing(f, g, row, j);
        }

        /// <summary>A vector whose lanes cross into the next row(s): the factors lane by lane, walking the rows.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static TVec Crossing<TVec>(AdafactorFactors f, TVec g, int row, int j) where TVec : struct, IFloatVector<TVec>
        {
            Lanes rowLanes = default, columnLanes = default;
            int cols = f.Columns;
            for (int l = 0; l < TVec.Count; l++)
            {
                rowLanes[l] = f.RowFactor[row];
                columnLanes[l] = f.ColumnFactor[f.ColumnStart[row] + j];
                if (++j == cols)
                {
                    j = 0;
                    row++;
                    if (row == f.RowFactor.Length) break;
                }
            }
            return g * TVec.Load(ref rowLanes[0], 0) * TVec.Load(ref columnLanes[0], 0);
        }
    }
}

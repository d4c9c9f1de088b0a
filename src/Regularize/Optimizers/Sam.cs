using Regularize.Nn;
using Regularize.Regularization;
using Regularize.Tensors.Kernels;

namespace Regularize.Optimizers;

/// <summary>
/// Sharpness-aware minimization around any <see cref="Optimizer"/>: SAM (Foret et al. 2021, "Sharpness-Aware
/// Minimization for Efficiently Improving Generalization", Algorithm 1) and its adaptive form ASAM (Kwon et al. 2021,
/// "ASAM: Adaptive Sharpness-Aware Minimization for Scale-Invariant Learning of Deep Neural Networks").
/// The base optimizer's step is taken at θ with the gradient measured at θ + ε̂, the worst point of a ρ-ball.
/// </summary>
/// <remarks>
/// <para>One SAM step, with g = ∇L(θ) the gradient of every parameter that has one:</para>
/// <code>
/// FirstStep():   ‖g‖  = sqrt(Σ over all parameters and elements of g²)            (SAM)
///                ‖Tg‖ = sqrt(Σ (T ⊙ g)²),  T = |θ| + η elementwise               (ASAM; T = 1 where not adaptive)
///                ε̂    = ρ · g / ‖g‖                                               (SAM)
///                ε̂    = ρ · T² ⊙ g / ‖Tg‖                                         (ASAM)
///                ε̂    = −ε̂  for a group with Maximize;  ε̂ = 0 when the norm is 0
///                θ    ← θ + ε̂            (θ is remembered, so the way back is exact)
/// caller:        zero the gradients, recompute the loss and g' = ∇L(θ + ε̂)
/// SecondStep():  θ    ← θ                (the remembered value, bit for bit)
///                base optimizer's Step() with g'   (its lr, decay, L1, momentum, moments)
/// </code>
/// <para>Symbols and code: ρ is <see cref="Rho"/> (default 0.05 for SAM; 0.5 for ASAM, the value Kwon et al.
/// recommend and use for CIFAR), η is <see cref="Eta"/> (default 0.01, as Kwon et al.), <c>adaptive</c> selects ASAM,
/// and <see cref="LastGradientNorm"/> is the norm ‖g‖ or ‖Tg‖ of the last <see cref="FirstStep"/>.</para>
/// <para><b>What is perturbed.</b> Every parameter of the base optimizer's groups whose gradient is not null at
/// <see cref="FirstStep"/>; the norm is global over all of them (not per group or per tensor). In ASAM, T = |θ| + η applies
/// to the parameters <c>isAdaptive</c> selects, by default those whose last name segment contains <c>weight</c>
/// (the official ASAM code's rule; biases get T = 1).</para>
/// <para><b>Weight decay and L1</b> are not in the perturbation, as in the paper: ε̂ is built from the raw gradient
/// only, and the base optimizer's λ and λ₁ act only in its own step.</para>
/// <para><b>Non-finite gradients</b> follow the base optimizer's <see cref="Optimizer.NonFiniteGradient"/>, never
/// half-applied: <see cref="FirstStep"/> checks every gradient before θ moves (Throw: nothing changes; Skip: nothing
/// changes, <see cref="LastStepSkipped"/> is set and <see cref="SecondStep"/> then does nothing), and
/// <see cref="SecondStep"/> restores θ before the base step checks g'.</para>
/// <para><b>Batch normalisation.</b> Both forward passes are in training mode, so running statistics are updated
/// twice per step. The reference implementation (davda54/sam) offers helpers that set every BatchNorm's momentum to 0
/// for the second pass. Here <see cref="BatchNorm.Momentum"/> can be set to 0 for the second pass and restored after it
/// (num_batches_tracked still counts both passes), or <see cref="BatchNorm.RunningMean"/> and
/// <see cref="BatchNorm.RunningVar"/> copied before the second pass and back after it.</para>
/// <para>In a <c>Trainer</c>, the <c>SharpnessAwareStep</c> callback (Regularize.Training) runs these steps.</para>
/// <para>The work is sequential in a fixed order (the norm's sum in double), so the result does not depend on the
/// thread count; after the first step of each parameter nothing is allocated.</para>
/// </remarks>
public sealed class Sam
{
    /// <summary>The default ρ of SAM (Foret et al.).</summary>
    public const double DefaultRho = 0.05;

    /// <summary>The default ρ of ASAM (Kwon et al. recommend and use 0.5).</summary>
    public const double DefaultAdaptiveRho = 0.5;

    /// <summary>The default η of ASAM (Kwon et al.).</summary>
    public const double DefaultEta = 0.01;

    private readonly Optimizer _base;
    private readonly Func<Parameter, bool> _isAdaptive;
    private readonly Dictionary<Parameter, float[]> _saved = new(ReferenceEqualityComparer.Instance);
    private Parameter[] _params = [];
    private float[][] _theta = [];
    private bool[] _maximize = [];
    private int _count;
    private bool _firstSkipped;
    private double _rho;

    /// <summary>Wraps <paramref name="baseOptimizer"/>.</summary>
    /// <param name="baseOptimizer">The optimizer that takes the step at θ with the perturbed-point gradient.</param>
    /// <param name="rho">The neighbourhood radius ρ, finite and ≥ 0; null for 0.05 (SAM) or 0.5 (ASAM).</param>
    /// <param name="adaptive">ASAM instead of SAM.</param>
    /// <param name="eta">ASAM's η in T = |θ| + η, finite and ≥ 0.</param>
    /// <param name="isAdaptive">ASAM: which parameters get T = |θ| + η (the others T = 1); null for the default rule (last name segment contains <c>weight</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException">ρ or η is negative or not finite; the message names it and its value.</exception>
    public Sam(Optimizer baseOptimizer, double? rho = null, bool adaptive = false, double eta = DefaultEta, Func<Parameter, bool>? isAdaptive = null)
    {
        ArgumentNullException.ThrowIfNull(baseOptimizer);
        if (!(double.IsFinite(eta) && eta >= 0)) throw new ArgumentOutOfRangeException(nameof(eta), eta, $"eta must be finite and >= 0, was {eta}.");
        _base = baseOptimizer;
        Adaptive = adaptive;
        Eta = eta;
        Rho = rho ?? (adaptive ? DefaultAdaptiveRho : DefaultRho);
        _isAdaptive = isAdaptive ?? IsWeightByName;
    }

    /// <summary>The wrapped optimizer.</summary>
    public Optimizer BaseOptimizer => _base;

    /// <summary>The neighbourhood radius ρ, finite and ≥ 0 (a schedule may change it between steps).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or not finite.</exception>
    public double Rho
    {
        get => _rho;
        set => _rho = double.IsFinite(value) && value >= 0 ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"rho must be finite and >= 0, was {value}.");
    }

    /// <summary>True for ASAM (T = |θ| + η), false for SAM.</summary>
    public bool Adaptive { get; }

    /// <summary>ASAM's η in T = |θ| + η.</summary>
    public double Eta { get; }

    /// <summary>True between <see cref="FirstStep"/> and <see cref="SecondStep"/> (θ may be at θ + ε̂).</summary>
    public bool IsPerturbed { get; private set; }

    /// <summary>‖g‖ (SAM) or ‖Tg‖ (ASAM) at the last <see cref="FirstStep"/>; NaN when it found a non-finite gradient.</summary>
    public double LastGradientNorm { get; private set; }

    /// <summary>True when the last SAM step changed nothing because a gradient (at θ or at θ + ε̂) was not finite and the policy is <see cref="NonFiniteGradient.Skip"/>.</summary>
    public bool LastStepSkipped { get; private set; }

    /// <summary>The number of SAM steps skipped so far under <see cref="NonFiniteGradient.Skip"/>.</summary>
    public long SkippedSteps { get; private set; }

    /// <summary>Clears every gradient of the base optimizer's parameters (see <see cref="Optimizer.ZeroGrad"/>).</summary>
    /// <param name="setToNull">Set the gradients to null instead of zeroing them.</param>
    public void ZeroGrad(bool setToNull = false) => _base.ZeroGrad(setToNull);

    /// <summary>
    /// The ascent: checks every gradient, computes ε̂ from them and moves θ to θ + ε̂, remembering θ.
    /// Then zero the gradients, recompute the loss and its gradient at the new θ, and call <see cref="SecondStep"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The previous <see cref="FirstStep"/> has no <see cref="SecondStep"/> yet.</exception>
    /// <exception cref="NonFiniteGradientException">A gradient is not finite and the base optimizer's policy is Throw; nothing changed.</exception>
    public void FirstStep()
    {
        if (IsPerturbed) throw new InvalidOperationException("FirstStep was called twice: call SecondStep (or Restore) after each FirstStep.");
        LastStepSkipped = false;
        Collect();

        for (int s = 0; s < _count; s++)
        {
            var g = _params[s].Grad!;
            if (g.Length > 0 && !ReductionKernels.AllFinite(ref Optimizer.AtElement(g, 0), (nuint)g.Length))
            {
                LastGradientNorm = double.NaN;
                if (_base.NonFiniteGradient == NonFiniteGradient.Skip)
                {
                    LastStepSkipped = true;
                    SkippedSteps++;
                    _firstSkipped = true;
                    IsPerturbed = true;
                    return;
                }
                string name = _params[s].Name;
                throw new NonFiniteGradientException(name,
                    $"The gradient of parameter '{name}' holds NaN or infinity; SAM did not perturb any parameter. Set NonFiniteGradient = Skip on the base optimizer to skip such steps instead.");
            }
        }

        double sum = 0;
        for (int s = 0; s < _count; s++)
        {
            var p = _params[s];
            if (Adaptive && _isAdaptive(p)) sum += ScaledSumOfSquares(p.Value.Span, p.Grad!.Span, Eta);
            else sum += ReductionKernels.SumOfSquares(p.Grad!.Span);
        }
        double norm = Math.Sqrt(sum);
        LastGradientNorm = norm;
        double scale = norm > 0 ? _rho / norm : 0;

        for (int s = 0; s < _count; s++)
        {
            var p = _params[s];
            var theta = p.Value.Span;
            theta.CopyTo(_theta[s]);
            if (scale == 0) continue;
            double sc = _maximize[s] ? -scale : scale;
            var g = p.Grad!.Span;
            if (Adaptive && _isAdaptive(p))
            {
                for (int i = 0; i < theta.Length; i++)
                {
                    double t = Math.Abs((double)theta[i]) + Eta;
                    theta[i] = (float)(theta[i] + sc * t * t * g[i]);
                }
            }
            else
            {
                for (int i = 0; i < theta.Length; i++) theta[i] = (float)(theta[i] + sc * g[i]);
            }
        }
        IsPerturbed = true;
    }

    /// <summary>
    /// The descent: puts θ back to its value before <see cref="FirstStep"/> (exactly), then runs the base optimizer's
    /// <see cref="Optimizer.Step()"/> with the gradients now held, which the caller computed at θ + ε̂.
    /// Does nothing more when <see cref="FirstStep"/> skipped a non-finite gradient.
    /// </summary>
    /// <exception cref="InvalidOperationException">No <see cref="FirstStep"/> came before.</exception>
    /// <exception cref="NonFiniteGradientException">The perturbed-point gradient is not finite and the base policy is Throw; θ is restored and not stepped.</exception>
    public void SecondStep()
    {
        if (!IsPerturbed) throw new InvalidOperationException("SecondStep needs a FirstStep before it.");
        bool skipped = _firstSkipped;
        Restore();
        if (skipped) return;
        _base.Step();
        if (_base.LastStepSkipped)
        {
            LastStepSkipped = true;
            SkippedSteps++;
        }
    }

    /// <summary>Puts θ back to its value before <see cref="FirstStep"/> without a step (for a caller whose second pass failed). Does nothing when not perturbed.</summary>
    public void Restore()
    {
        if (!IsPerturbed) return;
        if (!_firstSkipped)
        {
            for (int s = 0; s < _count; s++)
            {
                var theta = _params[s].Value.Span;
                _theta[s].AsSpan(0, theta.Length).CopyTo(theta);
            }
        }
        _firstSkipped = false;
        IsPerturbed = false;
    }

    /// <summary>
    /// One whole SAM step on the current batch: zero the gradients, <paramref name="closure"/> (loss and backward at θ),
    /// <see cref="FirstStep"/>, zero the gradients, <paramref name="closure"/> again (at θ + ε̂), <see cref="SecondStep"/>.
    /// If the second call throws, θ is restored before the exception leaves.
    /// </summary>
    /// <param name="closure">Computes the loss on the batch, calls backward, and returns the loss.</param>
    /// <returns>The loss at θ (the first call's value).</returns>
    /// <exception cref="InvalidOperationException">A <see cref="FirstStep"/> is pending.</exception>
    public float Step(Func<float> closure)
    {
        ArgumentNullException.ThrowIfNull(closure);
        if (IsPerturbed) throw new InvalidOperationException("Step(closure) was called between FirstStep and SecondStep.");
        _base.ZeroGrad();
        float loss = closure();
        FirstStep();
        if (!_firstSkipped)
        {
            try
            {
                _base.ZeroGrad();
                closure();
            }
            catch
            {
                Restore();
                throw;
            }
        }
        SecondStep();
        return loss;
    }

    /// <summary>The default ASAM rule: the last dot-separated name segment contains <c>weight</c> (ignoring case).</summary>
    private static bool IsWeightByName(Parameter p)
    {
        string name = p.Name;
        int dot = name.LastIndexOf('.');
        return name.AsSpan(dot + 1).Contains("weight", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Σ((|θ| + η)·g)² in double, in index order.</summary>
    private static double ScaledSumOfSquares(ReadOnlySpan<float> theta, ReadOnlySpan<float> g, double eta)
    {
        double sum = 0;
        for (int i = 0; i < theta.Length; i++)
        {
            double tg = (Math.Abs((double)theta[i]) + eta) * g[i];
            sum += tg * tg;
        }
        return sum;
    }

    private void Collect()
    {
        // Indexed loops: a foreach over IReadOnlyList would box its enumerator (an allocation per step).
        int n = 0;
        var groups = _base.ParameterGroups;
        for (int gi = 0; gi < groups.Count; gi++)
        {
            var list = groups[gi].Parameters;
            for (int k = 0; k < list.Count; k++) if (list[k].Grad is not null) n++;
        }
        if (_params.Length < n)
        {
            Array.Resize(ref _params, n);
            Array.Resize(ref _theta, n);
            Array.Resize(ref _maximize, n);
        }
        int s = 0;
        for (int gi = 0; gi < groups.Count; gi++)
        {
            var group = groups[gi];
            var list = group.Parameters;
            for (int k = 0; k < list.Count; k++)
            {
                var p = list[k];
                if (p.Grad is null) continue;
                if (!_saved.TryGetValue(p, out var buffer) || buffer.Length < p.Length)
                {
                    buffer = new float[p.Length];
                    _saved[p] = buffer;
                }
                _params[s] = p;
                _theta[s] = buffer;
                _maximize[s] = group.Maximize == true;
                s++;
            }
        }
        _count = s;
    }
}

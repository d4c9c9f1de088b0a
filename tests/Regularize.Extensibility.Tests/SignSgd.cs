using System.Runtime.CompilerServices;
using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Regularization;
using Regularize.Tensors.Kernels;

namespace Regularize.Extensibility.Tests;

/// <summary>
/// Sign-SGD with momentum (signum, Bernstein et al. 2018) and decoupled weight decay, written outside the package.
/// <code>
/// input: lr, β (beta), λ (weightDecay), θ₀, b₀ = 0
/// for t = 1, 2, …:
///   θ = θₜ₋₁·(1 − lr·λ)        (decoupled: the shared loop does it, outside the rule)
///   b = β·b + (1 − β)·g
///   θₜ = θ − lr·sign(b)
/// </code>
/// </summary>
public sealed class SignSgd : Optimizer
{
    /// <summary>β, the momentum of the sign's average, in [0, 1); a hyperparameter the package does not define.</summary>
    public static readonly Hyperparameter Beta = Hyperparameter.Define("signBeta", 0.9, maximum: 1, maximumInclusive: false);

    private const int B = 0; // slot 0: the average b

    /// <summary>Creates sign-SGD over parameter groups; unset values take these defaults.</summary>
    public SignSgd(IEnumerable<ParameterGroup> groups, double learningRate = 1e-3, double beta = 0.9, double weightDecay = 0)
        : base(groups, ["b"], DecayPlacement.Decoupled,
            [(Hyperparameter.LearningRate, learningRate), (Beta, beta), (Hyperparameter.WeightDecay, weightDecay)])
    {
    }

    /// <summary>Computes the step's scalars once, in double, and runs the rule over the parameter.</summary>
    protected override void Plan(ParameterStep step)
    {
        step.Allocate(B);
        double beta = step.Group.Get(Beta);
        step.Run(new Rule((float)beta, (float)(1 - beta), (float)-step.Group.LearningRate));
    }

    /// <summary>b = β·b + (1 − β)·g;  θ = θ + (−lr)·sign(b).</summary>
    private readonly struct Rule(float beta, float oneMinusBeta, float negLr) : IUpdateRule<Rule>
    {
        private readonly float _beta = beta, _oneMinusBeta = oneMinusBeta, _negLr = negLr;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Update(in Rule r, float theta, float g, StateSlots s)
        {
            ref float b = ref s[B];
            b = r._beta * b + r._oneMinusBeta * g;
            return theta + r._negLr * (b == 0 ? 0f : MathF.CopySign(1f, b));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Update<TVec>(in Rule r, TVec theta, TVec g, StateSlots s) where TVec : struct, IFloatVector<TVec>
        {
            var b = TVec.Create(r._beta) * s.Load<TVec>(B) + TVec.Create(r._oneMinusBeta) * g;
            s.Store(B, b);
            return theta + TVec.Create(r._negLr) * TVec.Sign(b);
        }
    }
}

using Regularize.Tensors;
using Regularize.Nn;
using Regularize.Optimizers.Kernels;
using Regularize.Regularization;

namespace Regularize.Optimizers;

/// <summary>The step logic Sgd and SgdW share; they differ only in where λ enters.</summary>
internal static class SgdCore
{
    public static void CheckDefaults(double learningRate, double momentum, double dampening, bool nesterov, double weightDecay, double l1)
    {
        ParameterGroup.Check(Hyperparameter.LearningRate, learningRate);
        ParameterGroup.Check(Hyperparameter.Momentum, momentum);
        ParameterGroup.Check(Hyperparameter.Dampening, dampening);
        ParameterGroup.Check(Hyperparameter.WeightDecay, weightDecay);
        ParameterGroup.Check(Hyperparameter.L1, l1);
        if (nesterov && (momentum <= 0 || dampening != 0))
        {
            throw new ArgumentException(
                $"nesterov requires momentum > 0 and dampening = 0, was momentum {momentum}, dampening {dampening}.", nameof(nesterov));
        }
    }

    public static void FillDefaults(ParameterGroup g, double learningRate, double momentum, double dampening, bool nesterov,
        double weightDecay, bool maximize, double l1, L1Mode l1Mode)
    {
        g.SetDefault(Hyperparameter.LearningRate, learningRate);
        g.SetDefault(Hyperparameter.Momentum, momentum);
        g.SetDefault(Hyperparameter.Dampening, dampening);
        g.SetDefault(Hyperparameter.WeightDecay, weightDecay);
        g.SetDefault(Hyperparameter.L1, l1);
        g.Nesterov ??= nesterov;
        g.Maximize ??= maximize;
        g.L1Mode ??= l1Mode;
        if (g.Nesterov == true && (g.Momentum <= 0 || g.Dampening != 0))
        {
            throw new ArgumentException(
                $"Group '{g.Name}': nesterov requires momentum > 0 and dampening = 0, was momentum {g.Momentum}, dampening {g.Dampening}.", "groups");
        }
    }

    public static void ValidateGroup(ParameterGroup g, int index)
    {
        if (g.Nesterov == true && (g.Momentum <= 0 || g.Dampening != 0))
        {
            throw new InvalidOperationException(
                $"Group {index} ('{g.Name}'): nesterov requires momentum > 0 and dampening = 0, was momentum {g.Momentum}, dampening {g.Dampening}.");
        }
    }

    public static void Prepare(ref SgdPlan plan, Dictionary<Parameter, SgdState> states, ParameterGroup g, Parameter p,
        bool decoupled, DecayScaling scaling)
    {
        if (!states.TryGetValue(p, out var state))
        {
            state = new SgdState();
            states.Add(p, state);
        }
        double lr = g.LearningRate, mu = g.Momentum, lambda = g.WeightDecay;
        bool buffer = mu != 0;
        bool seed = false;
        if (buffer && state.MomentumBuffer is null)
        {
            state.MomentumBuffer = StaggeredAllocator.Zeros(p.Shape, 2);
            seed = true;
        }
        ref var s = ref plan.Scalars;
        s.GradSign = g.Maximize == true ? -1f : 1f;
        s.WeightDecay = decoupled ? 0f : (float)lambda;
        s.DecayFactor = decoupled ? (float)(1 - AdamCore.DecoupledRate(g, scaling) * lambda) : 1f;
        // PyTorch seeds the buffer with the first d itself: b = 0·0 + 1·d reproduces that exactly.
        s.BufferDecay = seed ? 0f : (float)mu;
        s.GradScale = seed ? 1f : (float)(1 - g.Dampening);
        s.Momentum = (float)mu;
        s.NegLearningRate = (float)-lr;
        s.L1 = (float)g.L1;
        s.L1Threshold = (float)(lr * g.L1);
        plan.Decay = lambda == 0 ? DecayKind.None : decoupled ? DecayKind.Decoupled : DecayKind.Coupled;
        plan.L1 = g.L1 == 0 ? L1Kind.None : g.L1Mode == L1Mode.Subgradient ? L1Kind.Subgradient : L1Kind.Proximal;
        plan.Buffer = buffer;
        plan.Nesterov = buffer && g.Nesterov == true;
        plan.State = state;
    }

    public static void Update(in SgdPlan plan, Parameter p, int start, int count)
    {
        ref float theta = ref Optimizer.AtElement(p.Value, start);
        ref float grad = ref Optimizer.AtElement(p.Grad!, start);
        ref float buffer = ref plan.Buffer ? ref Optimizer.AtElement(plan.State.MomentumBuffer!, start) : ref theta;
        switch (plan.Decay)
        {
            case DecayKind.None: WithL1<NoDecay>(plan, ref theta, ref grad, ref buffer, (nuint)count); break;
            case DecayKind.Coupled: WithL1<CoupledL2>(plan, ref theta, ref grad, ref buffer, (nuint)count); break;
            default: WithL1<Decoupled>(plan, ref theta, ref grad, ref buffer, (nuint)count); break;
        }
    }

    private static void WithL1<TDecay>(in SgdPlan plan, ref float theta, ref float grad, ref float buffer, nuint n)
        where TDecay : struct, IDecay
    {
        switch (plan.L1)
        {
            case L1Kind.None: WithMomentum<TDecay, NoL1>(plan, ref theta, ref grad, ref buffer, n); break;
            case L1Kind.Subgradient: WithMomentum<TDecay, L1Subgradient>(plan, ref theta, ref grad, ref buffer, n); break;
            default: WithMomentum<TDecay, L1Proximal>(plan, ref theta, ref grad, ref buffer, n); break;
        }
    }

    private static void WithMomentum<TDecay, TL1>(in SgdPlan plan, ref float theta, ref float grad, ref float buffer, nuint n)
        where TDecay : struct, IDecay where TL1 : struct, IL1
    {
        if (!plan.Buffer) SgdKernel.Update<TDecay, TL1, Off, Off>(ref theta, ref grad, ref buffer, n, plan.Scalars);
        else if (plan.Nesterov) SgdKernel.Update<TDecay, TL1, On, On>(ref theta, ref grad, ref buffer, n, plan.Scalars);
        else SgdKernel.Update<TDecay, TL1, On, Off>(ref theta, ref grad, ref buffer, n, plan.Scalars);
    }

    public static ParameterState? Export(SgdState s)
    {
        if (s.MomentumBuffer is null) return null;
        var ps = new ParameterState();
        ps.Tensors["momentumBuffer"] = new TensorState { Shape = s.MomentumBuffer.Shape.ToArray(), Data = s.MomentumBuffer.ToArray() };
        return ps;
    }

    public static void Validate(Parameter p, ParameterState ps)
    {
        Optimizer.CheckKeysOf(p, ps, "momentumBuffer");
        Optimizer.CheckTensorOf(p, ps, "momentumBuffer", required: false);
    }

    public static SgdState Import(ParameterState ps) => new()
    {
        MomentumBuffer = ps.Tensors.TryGetValue("momentumBuffer", out var b) ? StaggeredAllocator.FromArray(b.Data, b.Shape, 2) : null,
    };
}

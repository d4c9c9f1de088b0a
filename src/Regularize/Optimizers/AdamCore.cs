using Regularize.Tensors;
using Regularize.Nn;
using Regularize.Optimizers.Kernels;
using Regularize.Regularization;

namespace Regularize.Optimizers;

/// <summary>The step logic Adam and AdamW share; they differ only in where λ enters (<see cref="DecayKind"/>).</summary>
internal static class AdamCore
{
    public static void FillDefaults(ParameterGroup g, double learningRate, double beta1, double beta2, double epsilon,
        double weightDecay, bool amsGrad, bool maximize, double l1, L1Mode l1Mode)
    {
        g.SetDefault(Hyperparameter.LearningRate, learningRate);
        g.SetDefault(Hyperparameter.Beta1, beta1);
        g.SetDefault(Hyperparameter.Beta2, beta2);
        g.SetDefault(Hyperparameter.Epsilon, epsilon);
        g.SetDefault(Hyperparameter.WeightDecay, weightDecay);
        g.SetDefault(Hyperparameter.L1, l1);
        g.AmsGrad ??= amsGrad;
        g.Maximize ??= maximize;
        g.L1Mode ??= l1Mode;
    }

    public static void CheckDefaults(double learningRate, double beta1, double beta2, double epsilon, double weightDecay, double l1)
    {
        ParameterGroup.Check(Hyperparameter.LearningRate, learningRate);
        ParameterGroup.Check(Hyperparameter.Beta1, beta1);
        ParameterGroup.Check(Hyperparameter.Beta2, beta2);
        ParameterGroup.Check(Hyperparameter.Epsilon, epsilon);
        ParameterGroup.Check(Hyperparameter.WeightDecay, weightDecay);
        ParameterGroup.Check(Hyperparameter.L1, l1);
    }

    /// <summary>Advances the parameter's step and computes its scalars in double, as PyTorch 1.13 does, rounding each to float once.</summary>
    public static void Prepare(ref AdamPlan plan, Dictionary<Parameter, AdamState> states, ParameterGroup g, Parameter p,
        bool decoupled, DecayScaling scaling)
    {
        bool ams = g.AmsGrad == true;
        if (!states.TryGetValue(p, out var state))
        {
            state = new AdamState(p.Shape, ams);
            states.Add(p, state);
        }
        if (ams && state.VMax is null) state.VMax = StaggeredAllocator.Zeros(p.Shape, 3);
        state.Step++;

        double lr = g.LearningRate, beta1 = g.Beta1, beta2 = g.Beta2, lambda = g.WeightDecay;
        double step = state.Step;
        double biasCorrection1 = 1 - Math.Pow(beta1, step);
        double biasCorrection2 = 1 - Math.Pow(beta2, step);
        double stepSize = lr / biasCorrection1;
        ref var s = ref plan.Scalars;
        s.GradSign = g.Maximize == true ? -1f : 1f;
        s.Beta1 = (float)beta1;
        s.OneMinusBeta1 = (float)(1 - beta1);
        s.Beta2 = (float)beta2;
        s.OneMinusBeta2 = (float)(1 - beta2);
        s.Bc2Sqrt = (float)Math.Sqrt(biasCorrection2);
        s.Epsilon = (float)g.Epsilon;
        s.NegStepSize = (float)-stepSize;
        s.WeightDecay = decoupled ? 0f : (float)lambda;
        s.DecayFactor = decoupled ? (float)(1 - DecoupledRate(g, scaling) * lambda) : 1f;
        s.L1 = (float)g.L1;
        s.L1Threshold = (float)(lr * g.L1);
        plan.Decay = lambda == 0 ? DecayKind.None : decoupled ? DecayKind.Decoupled : DecayKind.Coupled;
        plan.L1 = g.L1 == 0 ? L1Kind.None : g.L1Mode == L1Mode.Subgradient ? L1Kind.Subgradient : L1Kind.Proximal;
        plan.AmsGrad = ams;
        plan.State = state;
    }

    /// <summary>What λ is multiplied by in a decoupled decay: lr (PyTorch) or the schedule multiplier ηₜ (paper).</summary>
    public static double DecoupledRate(ParameterGroup g, DecayScaling scaling)
    {
        if (scaling == DecayScaling.LearningRate) return g.LearningRate;
        if (g.ScheduleMultiplier is double eta) return eta;
        double initial = g.InitialLearningRate ?? g.LearningRate;
        if (initial <= 0)
        {
            throw new InvalidOperationException(
                $"Group '{g.Name}': DecayScaling.ScheduleMultiplier needs an initial learning rate > 0 or an explicit ScheduleMultiplier.");
        }
        return g.LearningRate / initial;
    }

    public static void Update(in AdamPlan plan, Parameter p, int start, int count)
    {
        var st = plan.State;
        ref float theta = ref Optimizer.AtElement(p.Value, start);
        ref float grad = ref Optimizer.AtElement(p.Grad!, start);
        ref float m = ref Optimizer.AtElement(st.M, start);
        ref float v = ref Optimizer.AtElement(st.V, start);
        ref float vMax = ref plan.AmsGrad ? ref Optimizer.AtElement(st.VMax!, start) : ref v;
        switch (plan.Decay)
        {
            case DecayKind.None: WithL1<NoDecay>(plan, ref theta, ref grad, ref m, ref v, ref vMax, (nuint)count); break;
            case DecayKind.Coupled: WithL1<CoupledL2>(plan, ref theta, ref grad, ref m, ref v, ref vMax, (nuint)count); break;
            default: WithL1<Decoupled>(plan, ref theta, ref grad, ref m, ref v, ref vMax, (nuint)count); break;
        }
    }

    private static void WithL1<TDecay>(in AdamPlan plan, ref float theta, ref float grad, ref float m, ref float v, ref float vMax, nuint n)
        where TDecay : struct, IDecay
    {
        switch (plan.L1)
        {
            case L1Kind.None: WithAms<TDecay, NoL1>(plan, ref theta, ref grad, ref m, ref v, ref vMax, n); break;
            case L1Kind.Subgradient: WithAms<TDecay, L1Subgradient>(plan, ref theta, ref grad, ref m, ref v, ref vMax, n); break;
            default: WithAms<TDecay, L1Proximal>(plan, ref theta, ref grad, ref m, ref v, ref vMax, n); break;
        }
    }

    private static void WithAms<TDecay, TL1>(in AdamPlan plan, ref float theta, ref float grad, ref float m, ref float v, ref float vMax, nuint n)
        where TDecay : struct, IDecay where TL1 : struct, IL1
    {
        if (plan.AmsGrad) AdamKernel.Update<TDecay, TL1, On>(ref theta, ref grad, ref m, ref v, ref vMax, n, plan.Scalars);
        else AdamKernel.Update<TDecay, TL1, Off>(ref theta, ref grad, ref m, ref v, ref vMax, n, plan.Scalars);
    }

    public static ParameterState Export(AdamState s)
    {
        var ps = new ParameterState { Step = s.Step };
        ps.Tensors["m"] = new TensorState { Shape = s.M.Shape.ToArray(), Data = s.M.ToArray() };
        ps.Tensors["v"] = new TensorState { Shape = s.V.Shape.ToArray(), Data = s.V.ToArray() };
        if (s.VMax is not null) ps.Tensors["vMax"] = new TensorState { Shape = s.VMax.Shape.ToArray(), Data = s.VMax.ToArray() };
        return ps;
    }

    public static void Validate(Parameter p, ParameterState ps)
    {
        if (ps.Step < 0) throw new ArgumentException($"The state of parameter '{p.Name}' has step {ps.Step}; it must be >= 0.", "state");
        Optimizer.CheckKeysOf(p, ps, "m", "v", "vMax");
        Optimizer.CheckTensorOf(p, ps, "m", required: true);
        Optimizer.CheckTensorOf(p, ps, "v", required: true);
        Optimizer.CheckTensorOf(p, ps, "vMax", required: false);
    }

    public static AdamState Import(ParameterState ps)
    {
        var t = ps.Tensors;
        return new AdamState(
            StaggeredAllocator.FromArray(t["m"].Data, t["m"].Shape, 1),
            StaggeredAllocator.FromArray(t["v"].Data, t["v"].Shape, 2),
            t.TryGetValue("vMax", out var vm) ? StaggeredAllocator.FromArray(vm.Data, vm.Shape, 3) : null,
            ps.Step);
    }
}

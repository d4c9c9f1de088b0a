using Regularize.Nn;
using Regularize.Optimizers.Kernels;
using Regularize.Regularization;
using Regularize.Tensors;

namespace Regularize.Optimizers;

/// <summary>
/// What an optimizer's <see cref="Optimizer.Plan"/> sees for one parameter before a step: the group, the
/// parameter, its state, and the step number. The plan computes the rule's scalars (in double, rounded to float
/// once), allocates the slots it needs and calls <see cref="Run{TRule}"/> exactly once.
/// </summary>
public sealed class ParameterStep
{
    private readonly Optimizer _owner;
    private bool _ran;

    internal ParameterStep(Optimizer owner) => _owner = owner;

    /// <summary>The parameter's group (its hyperparameters).</summary>
    public ParameterGroup Group { get; private set; } = null!;

    /// <summary>The parameter being stepped.</summary>
    public Parameter Parameter { get; private set; } = null!;

    /// <summary>The parameter's state (slots and the count of steps already applied).</summary>
    public SlotState State { get; private set; } = null!;

    /// <summary>The number of the step being applied, t = 1, 2, … (the state's count is advanced once every plan has succeeded).</summary>
    public long Step { get; private set; }

    internal int PlanIndex { get; private set; }

    internal List<(SlotState State, int Slot)> Allocated { get; } = [];

    internal List<Parameter> Created { get; } = [];

    internal List<(Tensor Tensor, float Value)> PendingScalars { get; } = [];

    internal void Reset(int planIndex, ParameterGroup group, Parameter parameter, SlotState state)
    {
        PlanIndex = planIndex;
        Group = group;
        Parameter = parameter;
        State = state;
        Step = checked(state.Step + 1);
        _ran = false;
    }

    internal bool Ran => _ran;

    /// <summary>
    /// Allocates slot <paramref name="slot"/> as zeros (of the shape <see cref="Optimizer.SlotShape"/> gives) when the
    /// parameter does not have it yet. Returns true when it was allocated now, which a rule can use to seed it
    /// (SGD's momentum buffer takes the first gradient as it is).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The optimizer declares no such slot.</exception>
    public bool Allocate(int slot)
    {
        if ((uint)slot >= (uint)State.Tensors.Length)
            throw new ArgumentOutOfRangeException(nameof(slot), slot, $"slot must be in [0, {State.Tensors.Length}), was {slot}.");
        if (State.Tensors[slot] is not null) return false;
        State.Tensors[slot] = StaggeredAllocator.Zeros(_owner.SlotShape(slot, Parameter), slot % 3 + 1);
        Allocated.Add((State, slot));
        return true;
    }

    /// <summary>
    /// The value of a per-parameter scalar slot (one whose <see cref="Optimizer.SlotShape"/> has one element, such as
    /// NAdam's μ-product or ASGD's η): element 0 as stored before this step.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The optimizer declares no such slot.</exception>
    /// <exception cref="InvalidOperationException">The slot is not allocated.</exception>
    public float Scalar(int slot) => ScalarTensor(slot).Span[0];

    /// <summary>
    /// Sets a per-parameter scalar slot to <paramref name="value"/> once every parameter's plan of this step has
    /// succeeded (before the update pass), so a step that fails while planning leaves it unchanged;
    /// <see cref="Scalar"/> still reads the old value until then. The rule takes what it needs as its own scalars.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The optimizer declares no such slot.</exception>
    /// <exception cref="InvalidOperationException">The slot is not allocated.</exception>
    public void SetScalar(int slot, float value) => PendingScalars.Add((ScalarTensor(slot), value));

    private Tensor ScalarTensor(int slot)
    {
        if ((uint)slot >= (uint)State.Tensors.Length)
            throw new ArgumentOutOfRangeException(nameof(slot), slot, $"slot must be in [0, {State.Tensors.Length}), was {slot}.");
        return State.Tensors[slot]
            ?? throw new InvalidOperationException($"Slot '{State.Names[slot]}' of parameter '{Parameter.Name}' is not allocated; call Allocate first.");
    }

    /// <summary>Applies the scalar writes of <see cref="SetScalar"/> (after every plan has succeeded).</summary>
    internal void CommitScalars()
    {
        foreach (var (tensor, value) in PendingScalars) tensor.Span[0] = value;
        PendingScalars.Clear();
    }

    /// <summary>
    /// Attaches a statistics pass to the parameter for this step: its items run across cores after every plan has
    /// succeeded and before the reduce phase, then it is completed on the stepping thread (Adafactor's row and column
    /// means, which its rule reads through a reference it holds).
    /// </summary>
    /// <exception cref="InvalidOperationException">A pass was already attached for this parameter in this step.</exception>
    internal void Gather(StatisticsPass pass) => _owner.SetStatistics(PlanIndex, pass);

    /// <summary>
    /// Runs <paramref name="rule"/> over the parameter in this step, composed with the optimizer's decay placement,
    /// L1 term and maximize flag (one fused pass over memory, split across cores).
    /// </summary>
    /// <typeparam name="TRule">The rule.</typeparam>
    /// <param name="rule">The rule with the step's scalars.</param>
    /// <exception cref="InvalidOperationException">Run was already called for this parameter in this step.</exception>
    public void Run<TRule>(in TRule rule) where TRule : struct, IUpdateRule<TRule>
    {
        var pieces = Pieces(out bool decay, out bool subgradient, out double l1);
        if (!decay) WithL1<TRule, NoWeightDecay>(rule, pieces, l1, subgradient);
        else if (_owner.DecayPlacement == DecayPlacement.Coupled) WithL1<TRule, CoupledL2>(rule, pieces, l1, subgradient);
        else WithL1<TRule, DecoupledDecay>(rule, pieces, l1, subgradient);
    }

    /// <summary>
    /// Runs a rule with a reduce phase: over every element <see cref="IReducingRule{TSelf}.Reduce(in TSelf, float, float, StateSlots, out float, out float)"/>,
    /// then <see cref="IReducingRule{TSelf}.Complete"/> with the tensor's sums, then the update phase (two passes over memory).
    /// </summary>
    /// <typeparam name="TRule">The rule.</typeparam>
    /// <param name="rule">The rule with the step's scalars.</param>
    /// <exception cref="InvalidOperationException">Run was already called for this parameter in this step.</exception>
    public void RunReducing<TRule>(in TRule rule) where TRule : struct, IReducingRule<TRule>
    {
        var pieces = Pieces(out bool decay, out bool subgradient, out double l1);
        if (!decay) ReducingWithL1<TRule, NoWeightDecay>(rule, pieces, l1, subgradient);
        else if (_owner.DecayPlacement == DecayPlacement.Coupled) ReducingWithL1<TRule, CoupledL2>(rule, pieces, l1, subgradient);
        else ReducingWithL1<TRule, DecoupledDecay>(rule, pieces, l1, subgradient);
    }

    private LoopPieces Pieces(out bool decay, out bool subgradient, out double l1)
    {
        if (_ran) throw new InvalidOperationException($"Run was called twice for parameter '{Parameter.Name}' in one step.");
        _ran = true;
        var g = Group;
        double lr = g.LearningRate, lambda = g.WeightDecay;
        l1 = g.L1;
        var placement = _owner.DecayPlacement;
        decay = lambda != 0 && placement != DecayPlacement.InRule;
        subgradient = g.L1Mode == L1Mode.Subgradient;
        return new LoopPieces
        {
            GradSign = g.Maximize == true ? -1f : 1f,
            Lambda = placement == DecayPlacement.Coupled ? (float)lambda : 0f,
            DecayFactor = placement == DecayPlacement.Decoupled ? (float)(1 - _owner.DecoupledRate(g) * lambda) : 1f,
            L1 = (float)l1,
            L1Threshold = (float)(lr * l1),
        };
    }

    private void ReducingWithL1<TRule, TDecay>(in TRule rule, in LoopPieces pieces, double l1, bool subgradient)
        where TRule : struct, IReducingRule<TRule> where TDecay : struct, IWeightDecay
    {
        if (l1 == 0) AssignReducing<TRule, TDecay, NoL1>(rule, pieces);
        else if (subgradient) AssignReducing<TRule, TDecay, L1Subgradient>(rule, pieces);
        else AssignReducing<TRule, TDecay, L1Proximal>(rule, pieces);
    }

    private void AssignReducing<TRule, TDecay, TL1>(in TRule rule, in LoopPieces pieces)
        where TRule : struct, IReducingRule<TRule> where TDecay : struct, IWeightDecay where TL1 : struct, IL1Penalty
    {
        ref var slot = ref _owner.PlanSlot(PlanIndex);
        if (slot is not ReducingRulePlan<TRule, TDecay, TL1> plan) slot = plan = new ReducingRulePlan<TRule, TDecay, TL1>();
        plan.Set(rule, pieces, Parameter, State);
    }

    private void WithL1<TRule, TDecay>(in TRule rule, in LoopPieces pieces, double l1, bool subgradient)
        where TRule : struct, IUpdateRule<TRule> where TDecay : struct, IWeightDecay
    {
        if (l1 == 0) Assign<TRule, TDecay, NoL1>(rule, pieces);
        else if (subgradient) Assign<TRule, TDecay, L1Subgradient>(rule, pieces);
        else Assign<TRule, TDecay, L1Proximal>(rule, pieces);
    }

    private void Assign<TRule, TDecay, TL1>(in TRule rule, in LoopPieces pieces)
        where TRule : struct, IUpdateRule<TRule> where TDecay : struct, IWeightDecay where TL1 : struct, IL1Penalty
    {
        ref var slot = ref _owner.PlanSlot(PlanIndex);
        if (slot is not RulePlan<TRule, TDecay, TL1> plan || plan.Reduces) slot = plan = new RulePlan<TRule, TDecay, TL1>();
        plan.Set(rule, pieces, Parameter, State);
    }
}

using Regularize.Optimizers.Kernels;

namespace Regularize.Optimizers;

/// <summary>One parameter's plan for the current Adam step: its state, its scalars and which kernel runs.</summary>
internal struct AdamPlan
{
    public AdamState State;
    public AdamScalars Scalars;
    public DecayKind Decay;
    public L1Kind L1;
    public bool AmsGrad;
}

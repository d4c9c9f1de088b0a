using Regularize.Optimizers.Kernels;

namespace Regularize.Optimizers;

/// <summary>One parameter's plan for the current SGD step.</summary>
internal struct SgdPlan
{
    public SgdState State;
    public SgdScalars Scalars;
    public DecayKind Decay;
    public L1Kind L1;
    public bool Buffer;
    public bool Nesterov;
}

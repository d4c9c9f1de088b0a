namespace Regularize.Optimizers.Kernels;

/// <summary>The switch on (AMSGrad; Nesterov).</summary>
internal readonly struct On : ISwitch
{
    public static bool Enabled => true;
}

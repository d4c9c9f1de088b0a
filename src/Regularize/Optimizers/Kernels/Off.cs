namespace Regularize.Optimizers.Kernels;

/// <summary>The switch off.</summary>
internal readonly struct Off : ISwitch
{
    public static bool Enabled => false;
}

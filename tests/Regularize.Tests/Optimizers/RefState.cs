namespace Regularize.Tests.Optimizers;

/// <summary>One parameter's reference state.</summary>
public sealed class RefState
{
    public long Step;
    public float[]? M, V, VMax, Buffer;
}

namespace Regularize.Optimizers;

/// <summary>A tensor as plain data: its shape and its elements in row-major order.</summary>
public sealed class TensorState
{
    /// <summary>The dimensions.</summary>
    public int[] Shape { get; set; } = [];

    /// <summary>The elements, row-major.</summary>
    public float[] Data { get; set; } = [];
}

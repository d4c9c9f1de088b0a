namespace Regularize.Tensors;

/// <summary>
/// Allocates long-lived tensors that are walked in lockstep with parameters (optimizer state m, v, vMax and
/// momentum buffers; leaf gradients) so that large ones do not start at the same offset, modulo a large power of
/// two, as the parameter arrays and each other. Lanes: 1–3 optimizer state, 4 gradients.
/// </summary>
/// <remarks>
/// Large arrays fresh from the GC all begin at the same address modulo the page and region size, so a
/// pass that walks θ, g, m and v in lockstep hits the same cache sets in every stream at once and runs at a
/// fraction of the bandwidth it reaches when the arrays are shifted against each other (figures in
/// docs/benchmarks.md, "Optimizer step", "What the layouts show"). State tensors of at least
/// <see cref="MinimumElements"/> elements therefore live at a distinct offset (lane × 1040 floats,
/// 4160 bytes: not a multiple of 4096) inside a slightly larger array.
/// </remarks>
internal static class StaggeredAllocator
{
    public const int MinimumElements = 1 << 16;
    private const int Stride = 1040;

    /// <summary>The lane of leaf gradients.</summary>
    public const int GradientLane = 4;

    /// <summary>A zero tensor of <paramref name="shape"/>; <paramref name="lane"/> (1 to 4) picks the offset.</summary>
    public static Tensor Zeros(Shape shape, int lane)
    {
        if (shape.Length < MinimumElements) return Tensor.Zeros(shape);
        int offset = lane * Stride;
        return new Tensor(new float[shape.Length + offset], offset, shape);
    }

    /// <summary>A staggered copy of <paramref name="data"/>.</summary>
    public static Tensor FromArray(float[] data, int[] shape, int lane)
    {
        var t = Zeros(new Shape(shape), lane);
        data.CopyTo(t.Span);
        return t;
    }
}

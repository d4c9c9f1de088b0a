namespace Regularize.Lab.Experiments;

/// <summary>
/// A greyscale video as a matrix: <see cref="Pixels"/> holds one frame per row (<c>Frames × Height·Width</c>,
/// intensities in [0, 1]); <see cref="Truth"/>, when known, marks the foreground pixels of every frame.
/// </summary>
internal sealed record Video(int Frames, int Height, int Width, float[] Pixels, bool[]? Truth, string Description)
{
    /// <summary>Pixels per frame.</summary>
    public int Size => Height * Width;
}

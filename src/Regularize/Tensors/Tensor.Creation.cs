namespace Regularize.Tensors;

public sealed partial class Tensor
{
    /// <summary>A tensor of zeros.</summary>
    /// <param name="shape">The dimensions; each must be positive.</param>
    public static Tensor Zeros(params int[] shape)
    {
        var s = new Shape(shape);
        return new Tensor(new float[s.Length], 0, s);
    }

    /// <summary>A tensor of zeros with the given shape.</summary>
    public static Tensor Zeros(Shape shape) => new(new float[shape.Length], 0, shape);

    /// <summary>A tensor of ones.</summary>
    /// <param name="shape">The dimensions; each must be positive.</param>
    public static Tensor Ones(params int[] shape) => Full(1f, shape);

    /// <summary>A tensor with every element equal to <paramref name="value"/>.</summary>
    /// <param name="value">The fill value.</param>
    /// <param name="shape">The dimensions; each must be positive.</param>
    public static Tensor Full(float value, params int[] shape)
    {
        var t = Zeros(shape);
        t.Span.Fill(value);
        return t;
    }

    /// <summary>A one-dimensional tensor holding <c>start, start + step, ...</c> up to but excluding <paramref name="stop"/>.</summary>
    /// <exception cref="ArgumentException">The step is zero or not finite, or the range is empty.</exception>
    public static Tensor Arange(float start, float stop, float step = 1f)
    {
        if (step == 0 || !float.IsFinite(step) || !float.IsFinite(start) || !float.IsFinite(stop))
        {
            throw new ArgumentException($"Arange({start}, {stop}, {step}): start, stop and step must be finite and step non-zero.");
        }
        double count = Math.Ceiling(((double)stop - start) / step);
        if (count < 1 || count > Array.MaxLength)
        {
            throw new ArgumentException($"Arange({start}, {stop}, {step}) holds {count} elements; it must hold at least 1.");
        }
        var t = Zeros((int)count);
        var s = t.Span;
        for (int i = 0; i < s.Length; i++) s[i] = (float)(start + (double)i * step);
        return t;
    }

    /// <summary>A tensor holding a copy of <paramref name="data"/> with the given shape.</summary>
    /// <param name="data">The elements in row-major order.</param>
    /// <param name="shape">The dimensions; with none given, a one-dimensional tensor of <c>data.Length</c> elements.</param>
    /// <exception cref="ArgumentException">The data's length differs from the shape's element count.</exception>
    public static Tensor FromArray(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        var s = shape.Length == 0 ? new Shape(data.Length) : new Shape(shape);
        if (s.Length != data.Length)
        {
            throw new ArgumentException(
                $"FromArray: {data.Length} values cannot fill shape {s}, which holds {s.Length}.", nameof(data));
        }
        return new Tensor((float[])data.Clone(), 0, s);
    }

    /// <summary>A one-element tensor of rank 0.</summary>
    public static Tensor Scalar(float value) => new([value], 0, new Shape());

    /// <summary>
    /// A tensor of independent normal samples N(<paramref name="mean"/>, <paramref name="std"/>²),
    /// drawn from a seeded <see cref="Rng"/>: the same seed gives the same bits on every machine.
    /// </summary>
    /// <exception cref="ArgumentException">Mean or standard deviation is not finite, or std is negative.</exception>
    public static Tensor RandomNormal(int[] shape, float mean = 0f, float std = 1f, ulong seed = 0)
    {
        CheckFinite(mean, nameof(mean));
        CheckFinite(std, nameof(std));
        if (std < 0) throw new ArgumentOutOfRangeException(nameof(std), std, $"std must be >= 0, was {std}.");
        var t = Zeros(shape);
        new Rng(seed).FillNormal(t.Span, mean, std);
        return t;
    }

    /// <summary>
    /// A tensor of independent samples uniform on [<paramref name="low"/>, <paramref name="high"/>),
    /// drawn from a seeded <see cref="Rng"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A bound is not finite, or low exceeds high.</exception>
    public static Tensor RandomUniform(int[] shape, float low = 0f, float high = 1f, ulong seed = 0)
    {
        CheckFinite(low, nameof(low));
        CheckFinite(high, nameof(high));
        if (low > high) throw new ArgumentException($"RandomUniform: low ({low}) must not exceed high ({high}).");
        var t = Zeros(shape);
        new Rng(seed).FillUniform(t.Span, low, high);
        return t;
    }

    private static void CheckFinite(float value, string name)
    {
        if (!float.IsFinite(value)) throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite, was {value}.");
    }

    /// <summary>A new tensor with the same shape and a copy of the elements.</summary>
    public Tensor Clone()
    {
        var t = Zeros(Shape);
        Span.CopyTo(t.Span);
        return t;
    }
}

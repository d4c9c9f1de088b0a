using System.Collections;

namespace Regularize.Tensors;

/// <summary>
/// The dimensions of a row-major tensor. Immutable; compared by value; printed as <c>[32,784]</c>.
/// </summary>
public readonly struct Shape : IEquatable<Shape>, IReadOnlyList<int>
{
    private readonly int[]? _dims;

    /// <summary>Creates a shape from its dimensions, each of which must be positive.</summary>
    /// <param name="dimensions">The size of each axis, outermost first.</param>
    /// <exception cref="ArgumentException">A dimension is zero or negative, or the element count overflows.</exception>
    public Shape(params int[] dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        long length = 1;
        for (int i = 0; i < dimensions.Length; i++)
        {
            if (dimensions[i] <= 0)
            {
                throw new ArgumentException(
                    $"Shape {Format(dimensions)}: dimension {i} is {dimensions[i]}; every dimension must be positive.",
                    nameof(dimensions));
            }
            length *= dimensions[i];
            if (length > Array.MaxLength)
            {
                throw new ArgumentException(
                    $"Shape {Format(dimensions)} has more than {Array.MaxLength} elements.", nameof(dimensions));
            }
        }
        _dims = (int[])dimensions.Clone();
        Length = (int)length;
    }

    /// <summary>The number of axes (0 for a scalar).</summary>
    public int Rank => _dims?.Length ?? 0;

    /// <summary>The number of elements: the product of the dimensions (1 for a scalar).</summary>
    public int Length { get => _dims is null ? 1 : field; }

    /// <summary>The size of axis <paramref name="axis"/>; negative axes count from the end.</summary>
    public int this[int axis] => (_dims ?? [])[axis < 0 ? axis + Rank : axis];

    /// <summary>The dimensions as a read-only span.</summary>
    public ReadOnlySpan<int> Dimensions => _dims;

    /// <inheritdoc/>
    public int Count => Rank;

    /// <summary>A copy of the dimensions.</summary>
    public int[] ToArray() => _dims is null ? [] : (int[])_dims.Clone();

    /// <inheritdoc/>
    public bool Equals(Shape other) => Dimensions.SequenceEqual(other.Dimensions);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (int d in Dimensions) h.Add(d);
        return h.ToHashCode();
    }

    /// <summary>True when both shapes have the same dimensions.</summary>
    public static bool operator ==(Shape left, Shape right) => left.Equals(right);

    /// <summary>True when the shapes differ.</summary>
    public static bool operator !=(Shape left, Shape right) => !left.Equals(right);

    /// <summary>Formats the shape as <c>[d0,d1,...]</c>.</summary>
    public override string ToString() => Format(Dimensions);

    /// <inheritdoc/>
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)(_dims ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal static string Format(ReadOnlySpan<int> dims) => "[" + string.Join(",", dims.ToArray()) + "]";
}

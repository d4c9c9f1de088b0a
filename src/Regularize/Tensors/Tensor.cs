using System.Runtime.InteropServices;

namespace Regularize.Tensors;

/// <summary>
/// A dense float32 tensor: row-major, contiguous, any rank. A tensor is a window
/// (<see cref="Offset"/>, <see cref="Length"/>) onto a <c>float[]</c> storage that views made by
/// <see cref="Reshape"/> and <see cref="Rows"/> share, so parameters can live side by side in one arena.
/// </summary>
public sealed partial class Tensor
{
    private float[] _storage;
    private bool _released;

    internal Tensor(float[] storage, int offset, Shape shape)
    {
        if ((uint)offset > (uint)storage.Length || storage.Length - offset < shape.Length)
        {
            throw new ArgumentException(
                $"Tensor {shape} needs {shape.Length} elements from offset {offset}, but the storage holds {storage.Length}.");
        }
        _storage = storage;
        Offset = offset;
        Shape = shape;
    }

    /// <summary>A view onto existing storage; inside a <see cref="TensorScope"/> it is released with the scope.</summary>
    internal static Tensor View(float[] storage, int offset, Shape shape)
    {
        var t = new Tensor(storage, offset, shape);
        TensorScope.Track(t);
        return t;
    }

    /// <summary>The tensor's dimensions.</summary>
    public Shape Shape { get; }

    /// <summary>The number of axes.</summary>
    public int Rank => Shape.Rank;

    /// <summary>The number of elements.</summary>
    public int Length => Shape.Length;

    /// <summary>The elements in row-major order, for zero-copy reading and writing.</summary>
    public Span<float> Span
    {
        get
        {
            if (_released) ThrowReleased();
            return _storage.AsSpan(Offset, Shape.Length);
        }
    }

    /// <summary>The backing array, shared by every view of this tensor.</summary>
    internal float[] Storage
    {
        get
        {
            if (_released) ThrowReleased();
            return _storage;
        }
    }

    /// <summary>True when this tensor and <paramref name="other"/> are windows onto the same storage that share an element.</summary>
    internal bool Overlaps(Tensor other) =>
        ReferenceEquals(Storage, other.Storage) && Length > 0 && other.Length > 0
        && Offset < other.Offset + other.Length && other.Offset < Offset + Length;

    /// <summary>True once the <see cref="TensorScope"/> this tensor was created in has ended; its memory is then reused.</summary>
    public bool IsReleased => _released;

    /// <summary>Marks the tensor released and hands back its storage when it owns a pooled array.</summary>
    internal void Release(bool returnStorage)
    {
        if (_released) return;
        if (returnStorage) TensorPool.Return(_storage);
        _released = true;
        _storage = [];
    }

    private void ThrowReleased() => throw new ObjectDisposedException(nameof(Tensor),
        $"This {Shape} tensor was created inside a TensorScope that has ended, and its memory has been reused. Copy what you need with TensorScope.Keep() or Clone() before the scope ends.");

    /// <summary>Where this tensor's first element sits in <see cref="Storage"/>.</summary>
    internal int Offset { get; }

    /// <summary>A reference to the first element, for kernels.</summary>
    internal ref float First => ref MemoryMarshal.GetArrayDataReference(Storage);

    /// <summary>Copies the elements into a new array.</summary>
    public float[] ToArray() => Span.ToArray();

    /// <summary>The value of a one-element tensor.</summary>
    /// <exception cref="InvalidOperationException">The tensor has more than one element.</exception>
    public float Item()
    {
        if (Length != 1)
        {
            throw new InvalidOperationException($"Item() needs a one-element tensor, but the shape is {Shape}.");
        }
        return Storage[Offset];
    }

    /// <summary>The element at the given row-major multi-index.</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public float this[params int[] index]
    {
        get => Storage[Offset + FlatIndex(index)];
        set => Storage[Offset + FlatIndex(index)] = value;
    }

    private int FlatIndex(int[] index)
    {
        if (index.Length != Rank)
        {
            throw new ArgumentException($"Index of rank {index.Length} used on a tensor of shape {Shape}.", nameof(index));
        }
        int flat = 0;
        for (int i = 0; i < index.Length; i++)
        {
            int d = Shape[i];
            if ((uint)index[i] >= (uint)d)
            {
                throw new IndexOutOfRangeException($"Index {index[i]} is out of range for axis {i} of shape {Shape}.");
            }
            flat = flat * d + index[i];
        }
        return flat;
    }

    /// <inheritdoc/>
    public override string ToString() => $"Tensor{Shape}";
}

namespace Regularize.Tensors;

public sealed partial class Tensor
{
    /// <summary>
    /// A view with the same elements and another shape; it shares storage with this tensor.
    /// One dimension may be -1, and is then inferred.
    /// </summary>
    /// <exception cref="ArgumentException">The new shape holds a different number of elements.</exception>
    public Tensor Reshape(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int[] dims = (int[])shape.Clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException($"Reshape {Shape} to {Shape.Format(shape)}: only one dimension may be -1.");
                infer = i;
            }
            else
            {
                known *= dims[i];
            }
        }
        if (infer >= 0)
        {
            if (known <= 0 || Length % known != 0)
            {
                throw new ArgumentException($"Reshape {Shape} to {Shape.Format(shape)}: {Length} elements do not divide into the known dimensions.");
            }
            dims[infer] = (int)(Length / known);
        }
        var s = new Shape(dims);
        if (s.Length != Length)
        {
            throw new ArgumentException($"Reshape {Shape} to {s}: {Length} elements cannot take a shape of {s.Length}.");
        }
        var y = ViewAs(s);
        Engine.Record(y, "Reshape", Derivatives.Reshape, this);
        return y;
    }

    /// <summary>A view of <paramref name="count"/> consecutive rows (slices along axis 0) from <paramref name="start"/>; it shares storage.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rows are not all inside the tensor.</exception>
    public Tensor Rows(int start, int count)
    {
        if (Rank == 0) throw new InvalidOperationException("Rows() needs a tensor of rank 1 or more.");
        int rows = Shape[0];
        if (start < 0 || count <= 0 || start > rows - count)
        {
            throw new ArgumentOutOfRangeException(nameof(start),
                $"Rows({start}, {count}) is outside a tensor of shape {Shape}, which has {rows} rows.");
        }
        int[] dims = Shape.ToArray();
        dims[0] = count;
        int rowLength = Length / rows;
        var y = View(Storage, Offset + start * rowLength, new Shape(dims));
        var node = Engine.Record(y, "Rows", Derivatives.Rows, this);
        if (node is not null) node.Axis = start;
        return y;
    }

    /// <summary>A view sharing storage with this tensor but with another shape of equal length.</summary>
    internal Tensor ViewAs(Shape shape) => View(Storage, Offset, shape);
}

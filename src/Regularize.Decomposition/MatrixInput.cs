using Regularize.Tensors;

namespace Regularize.Decomposition;

/// <summary>Checks of the matrices handed to the decompositions; messages name the argument, its shape and the bad value.</summary>
internal static class MatrixInput
{
    /// <summary>Throws unless <paramref name="x"/> is a 2-D tensor with at least <paramref name="minRows"/> rows, at least one column, and only finite values.</summary>
    public static void Check(Tensor x, string name, string who, int minRows = 1)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        if (x.Rank != 2)
        {
            throw new ArgumentException($"{who}: {name} must be a 2-D matrix (rows × columns), but its shape is {x.Shape}.", name);
        }
        if (x.Shape[0] < minRows || x.Shape[1] < 1)
        {
            throw new ArgumentException(
                $"{who}: {name} has shape {x.Shape}; it needs at least {minRows} row{(minRows == 1 ? "" : "s")} and 1 column.", name);
        }
        ReadOnlySpan<float> v = x.Span;
        for (int i = 0; i < v.Length; i++)
        {
            if (!float.IsFinite(v[i]))
            {
                int cols = x.Shape[1];
                throw new ArgumentException(
                    $"{who}: {name} holds {v[i]} at row {i / cols}, column {i % cols}; every value must be finite.", name);
            }
        }
    }
}

namespace Regularize.Decomposition;

/// <summary>
/// Makes the signs of singular vectors deterministic, as scikit-learn's <c>svd_flip</c> with
/// <c>u_based_decision=False</c>: each component (a row of Vᵀ) is negated if needed so that its entry of largest
/// absolute value (the first such entry on a tie) is positive. A singular vector is only defined up to its sign, so
/// this changes nothing in the factorization, and two solvers then agree on signs.
/// </summary>
internal static class SignConvention
{
    /// <summary>Flips the rows of the row-major <c>rows × cols</c> matrix <paramref name="components"/> in place; returns the signs applied (±1).</summary>
    public static float[] FlipRows(float[] components, int rows, int cols)
    {
        var signs = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            var row = components.AsSpan(r * cols, cols);
            int best = 0;
            for (int c = 1; c < cols; c++)
            {
                if (Math.Abs(row[c]) > Math.Abs(row[best])) best = c;
            }
            signs[r] = row[best] < 0 ? -1f : 1f;
            if (signs[r] < 0)
            {
                for (int c = 0; c < cols; c++) row[c] = -row[c];
            }
        }
        return signs;
    }
}

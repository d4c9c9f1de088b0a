namespace Regularize.Schedules;

/// <summary>
/// Normalized weight decay (Loshchilov &amp; Hutter, "Decoupled Weight Decay Regularization", ICLR 2019, appendix B.1):
/// λ = λ_norm · √(b / (B · T)), so that one λ_norm works across batch sizes and training lengths.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>symbol</term><description>parameter</description></listheader>
/// <item><term>λ</term><description>the raw decay coefficient given to the optimizer (<c>weightDecay</c>)</description></item>
/// <item><term>λ_norm</term><description><c>lambdaNorm</c></description></item>
/// <item><term>b</term><description><c>batchSize</c></description></item>
/// <item><term>B</term><description><c>trainingSetSize</c>, the number of training examples</description></item>
/// <item><term>T</term><description><c>epochs</c>, the total number of epochs (of the run, or of a restart period with SGDR)</description></item>
/// </list>
/// B / b is the number of weight updates per epoch, so B·T / b is the total number of updates: the more updates,
/// the smaller each decay step. This helper only computes the coefficient; it is orthogonal to schedules
/// (combine it with a <see cref="Scheduler"/> in <see cref="ScheduleMode.MultiplyInitialByRatio"/> for λₜ = ηₜ · λ).
/// </remarks>
public static class NormalizedWeightDecay
{
    /// <summary>λ = λ_norm · √(b / (B · T)).</summary>
    /// <param name="lambdaNorm">λ_norm; finite and ≥ 0.</param>
    /// <param name="batchSize">b; &gt; 0.</param>
    /// <param name="trainingSetSize">B; &gt; 0.</param>
    /// <param name="epochs">T; finite and &gt; 0 (fractional epochs allowed).</param>
    /// <returns>The raw weight-decay coefficient λ.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public static double Normalized(double lambdaNorm, long batchSize, long trainingSetSize, double epochs)
        => ScheduleGuard.NonNegative(lambdaNorm, nameof(lambdaNorm)) * Scale(batchSize, trainingSetSize, epochs);

    /// <summary>The inverse: λ_norm = λ / √(b / (B · T)) = λ · √(B · T / b).</summary>
    /// <param name="lambda">λ, the raw coefficient; finite and ≥ 0.</param>
    /// <param name="batchSize">b; &gt; 0.</param>
    /// <param name="trainingSetSize">B; &gt; 0.</param>
    /// <param name="epochs">T; finite and &gt; 0.</param>
    /// <returns>The normalized coefficient λ_norm.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public static double ToNormalized(double lambda, long batchSize, long trainingSetSize, double epochs)
        => ScheduleGuard.NonNegative(lambda, nameof(lambda)) / Scale(batchSize, trainingSetSize, epochs);

    private static double Scale(long batchSize, long trainingSetSize, double epochs)
    {
        ScheduleGuard.Positive(batchSize, nameof(batchSize));
        ScheduleGuard.Positive(trainingSetSize, nameof(trainingSetSize));
        ScheduleGuard.Positive(epochs, nameof(epochs));
        return Math.Sqrt(batchSize / ((double)trainingSetSize * epochs));
    }
}

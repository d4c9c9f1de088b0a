using Regularize.Data;
using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Tensors;

namespace Regularize.Training;

/// <summary>
/// The learning-rate range test (Smith 2017, "Cyclical Learning Rates for Training Neural Networks"; fastai's
/// <c>lr_find</c>): train for a number of batches with a learning rate that grows exponentially, and read a good rate off
/// the curve of loss against learning rate.
/// </summary>
/// <remarks>
/// <para>Batch i = 0 … n − 1 uses lr_i = start·(end/start)^(i/(n − 1)) in every parameter group. The loss is smoothed by
/// an exponential moving average with β = <c>smoothing</c>, bias-corrected: a_i = β·a_{i−1} + (1 − β)·ℓ_i,
/// s_i = a_i/(1 − β^(i+1)). The test stops early when a loss is not finite or, after 10 batches, s_i exceeds
/// <c>divergence</c> times the smallest s so far.</para>
/// <para>The suggestion is the rate at the most negative slope ds/d(log₁₀ lr) (central differences, leaving out the first
/// and last 5% of the points as fastai does); a tenth of the rate at the minimum of s is reported as well.</para>
/// <para>The test trains the model. With <c>restoreWeights</c> the parameters, buffers and learning rates are put back
/// afterwards; the optimizer's own state (moments) is not, so make a fresh optimizer for the real training.</para>
/// </remarks>
public static class LearningRateRangeTest
{
    /// <summary>Runs the test.</summary>
    /// <param name="model">The model, trained in training mode.</param>
    /// <param name="optimizer">The optimizer over the model's parameters; its groups' learning rates are overwritten.</param>
    /// <param name="loader">The training batches (taken with <see cref="DataLoader.Next"/>, across epochs if needed).</param>
    /// <param name="start">The first learning rate; positive.</param>
    /// <param name="end">The last learning rate; above <paramref name="start"/>.</param>
    /// <param name="steps">The number of batches n; at least 10.</param>
    /// <param name="smoothing">β of the moving average, in [0, 1).</param>
    /// <param name="divergence">The stopping factor; above 1.</param>
    /// <param name="loss">The loss against labels; cross-entropy by default.</param>
    /// <param name="restoreWeights">True to put the weights and learning rates back afterwards.</param>
    /// <param name="progress">Called after every batch with its point, if given.</param>
    /// <param name="cancellationToken">Checked before every batch.</param>
    /// <returns>The curve and the suggestions.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    /// <exception cref="InvalidOperationException">A loss was not finite at the first batch, so there is no curve.</exception>
    public static LearningRateRangeResult Run(Module model, Optimizer optimizer, DataLoader loader, double start = 1e-6, double end = 10,
        int steps = 300, double smoothing = 0.95, double divergence = 4, LossFunction? loss = null, bool restoreWeights = true,
        Action<LearningRatePoint>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loader);
        if (!(start > 0 && double.IsFinite(start))) throw new ArgumentOutOfRangeException(nameof(start), start, $"start must be positive and finite, was {start}.");
        if (!(end > start && double.IsFinite(end))) throw new ArgumentOutOfRangeException(nameof(end), end, $"end must be finite and above start = {start}, was {end}.");
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 10);
        if (!(smoothing >= 0 && smoothing < 1)) throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing, $"smoothing must be in [0, 1), was {smoothing}.");
        if (!(divergence > 1 && !double.IsNaN(divergence))) throw new ArgumentOutOfRangeException(nameof(divergence), divergence, $"divergence must be above 1, was {divergence}.");
        loss ??= Trainer.CrossEntropy;

        var groups = optimizer.ParameterGroups;
        var rates = groups.Select(g => g.LearningRate).ToArray();
        var weights = model.Parameters().Select(p => p.Value).Concat(model.NamedBuffers().Select(b => b.Buffer)).ToArray();
        var saved = restoreWeights ? weights.Select(w => w.ToArray()).ToArray() : null;
        bool wasTraining = model.IsTraining;
        var points = new List<LearningRatePoint>(steps);
        double average = 0, best = double.PositiveInfinity;
        bool diverged = false;
        try
        {
            model.Train(true);
            for (int i = 0; i < steps; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                double rate = start * Math.Pow(end / start, (double)i / (steps - 1));
                foreach (var g in groups) g.LearningRate = rate;
                var batch = loader.Next();
                double value;
                using (TensorScope.Begin())
                {
                    var l = loss(model.Forward(batch.Inputs), batch.Labels);
                    value = l.Item();
                    if (double.IsFinite(value))
                    {
                        optimizer.ZeroGrad();
                        l.Backward();
                        optimizer.Step();
                    }
                }
                if (!double.IsFinite(value))
                {
                    diverged = true;
                    break;
                }
                average = smoothing * average + (1 - smoothing) * value;
                double smoothed = average / (1 - Math.Pow(smoothing, i + 1));
                var point = new LearningRatePoint(i, rate, value, smoothed);
                points.Add(point);
                progress?.Invoke(point);
                best = Math.Min(best, smoothed);
                if (i > 10 && smoothed > divergence * best)
                {
                    diverged = true;
                    break;
                }
            }
        }
        finally
        {
            if (saved is not null)
            {
                for (int i = 0; i < weights.Length; i++) saved[i].CopyTo(weights[i].Span);
                for (int i = 0; i < groups.Count; i++) groups[i].LearningRate = rates[i];
                optimizer.ZeroGrad();
            }
            model.Train(wasTraining);
        }
        if (points.Count == 0) throw new InvalidOperationException($"The loss was not finite at the first batch (lr {start}); there is no curve to read.");
        var (steepest, minLossOverTen) = Suggest(points);
        return new LearningRateRangeResult(points, diverged, steepest, minLossOverTen);
    }

    /// <summary>
    /// The learning rate at the most negative slope d(smoothed loss)/d(log₁₀ lr) (central differences, the first and
    /// last 5% of the points left out), and a tenth of the learning rate at the minimum smoothed loss.
    /// </summary>
    /// <param name="points">The curve; at least 3 points.</param>
    /// <exception cref="ArgumentException">There are fewer than 3 points.</exception>
    public static (double Steepest, double MinLossOverTen) Suggest(IReadOnlyList<LearningRatePoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        int n = points.Count;
        if (n < 3) throw new ArgumentException($"A slope needs at least 3 points; there are {n}.", nameof(points));
        int skip = Math.Max(1, n / 20);
        double bestSlope = double.PositiveInfinity, steepest = points[n / 2].LearningRate;
        for (int i = skip; i < n - skip; i++)
        {
            double dx = Math.Log10(points[i + 1].LearningRate) - Math.Log10(points[i - 1].LearningRate);
            double slope = (points[i + 1].SmoothedLoss - points[i - 1].SmoothedLoss) / dx;
            if (slope < bestSlope)
            {
                bestSlope = slope;
                steepest = points[i].LearningRate;
            }
        }
        var min = points.MinBy(p => p.SmoothedLoss)!;
        return (steepest, min.LearningRate / 10);
    }
}

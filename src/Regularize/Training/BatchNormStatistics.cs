using Regularize.Autograd;
using Regularize.Data;
using Regularize.Nn;
using Regularize.Tensors;

namespace Regularize.Training;

/// <summary>
/// Recomputes the running statistics of every <see cref="BatchNorm"/> layer (<see cref="BatchNorm1d"/>, <see cref="BatchNorm2d"/>) of a model from data, as
/// <c>torch.optim.swa_utils.update_bn</c>: weights averaged by SWA were never used to compute the statistics that were
/// tracked during training, so these must be measured again for the averaged weights.
/// </summary>
public static class BatchNormStatistics
{
    /// <summary>
    /// For each BatchNorm layer: reset the running statistics, switch to a cumulative average (momentum null), run one
    /// pass over <paramref name="data"/> in training mode without gradients, and put the momentum back; the model is left
    /// in the mode it was in. The running mean is then the mean of the batch means and the running variance the mean of
    /// the batches' unbiased variances. A model without BatchNorm is not run.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="data">The training examples, in index order.</param>
    /// <param name="batchSize">Examples per batch; positive. The statistics depend on it, as in PyTorch.</param>
    /// <returns>The number of BatchNorm layers updated.</returns>
    public static int Update(Module model, IDataset data, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var layers = model.NamedModules().Select(m => m.Module).OfType<BatchNorm>().Where(b => b.RunningMean is not null).ToList();
        if (layers.Count == 0) return 0;
        var momenta = layers.Select(b => b.Momentum).ToArray();
        bool wasTraining = model.IsTraining;
        try
        {
            foreach (var b in layers)
            {
                b.ResetRunningStats();
                b.Momentum = null;
            }
            model.Train(true);
            var loader = new DataLoader(data, Math.Min(batchSize, data.Count), shuffle: false);
            using (GradMode.NoGrad())
            {
                foreach (Batch batch in loader)
                {
                    using (TensorScope.Begin()) model.Forward(batch.Inputs);
                }
            }
        }
        finally
        {
            for (int i = 0; i < layers.Count; i++) layers[i].Momentum = momenta[i];
            model.Train(wasTraining);
        }
        return layers.Count;
    }
}

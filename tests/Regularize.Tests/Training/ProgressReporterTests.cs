using Regularize.Data;
using Regularize.Training;

namespace Regularize.Tests.Training;

public class ProgressReporterTests
{
    [Test]
    public void ReportsEveryNBatchesAndEachEpoch()
    {
        var (_, trainer) = TrainingRig.SgdTrainer();
        var reports = new List<TrainingProgressReport>();
        trainer.Callbacks.Add(new ProgressReporter(new Progress(reports.Add), everyBatches: 2));
        trainer.Fit(new DataLoader(TrainingRig.Data(40, 4), 8, seed: 1), null, 2);
        // 5 batches per epoch: reports after batches 2, 4, 5 and the epoch's end, twice.
        Assert.That(reports.Select(r => (r.Epoch, r.Batch, r.EpochMetrics is null)), Is.EqualTo(new[]
        {
            (1, 2, true), (1, 4, true), (1, 5, true), (1, 5, false), (2, 2, true), (2, 4, true), (2, 5, true), (2, 5, false),
        }));
        Assert.That(reports[3].MeanLoss, Is.EqualTo(reports[3].EpochMetrics!.TrainLoss));
        Assert.That(reports[2].MeanLoss, Is.EqualTo(reports[3].EpochMetrics!.TrainLoss).Within(1e-12));
        Assert.That(reports.All(r => r.LastEpoch == 2));
    }

    /// <summary>A synchronous IProgress (System.Progress posts to a context).</summary>
    private sealed class Progress(Action<TrainingProgressReport> report) : IProgress<TrainingProgressReport>
    {
        public void Report(TrainingProgressReport value) => report(value);
    }
}

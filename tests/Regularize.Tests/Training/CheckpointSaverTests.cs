using Regularize.Data;
using Regularize.Serialization;
using Regularize.Training;

namespace Regularize.Tests.Training;

public class CheckpointSaverTests
{
    [Test]
    public void SavesEveryNEpochsAndKeepsTheBest()
    {
        string dir = Path.Combine(Path.GetTempPath(), "regularize-saver-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var (_, trainer) = TrainingRig.SgdTrainer(lr: 3.0); // bouncing test loss: the best is not the last
            string last = Path.Combine(dir, "last.ckpt"), best = Path.Combine(dir, "best.ckpt");
            var saver = new CheckpointSaver(last, everyEpochs: 2, bestPath: best);
            var saved = new List<long>();
            trainer.Callbacks.Add(saver);
            trainer.EpochEnded += (_, e) => saved.Add(File.Exists(last) ? CheckpointData.Read(last).Progress.Epoch : 0);
            var history = trainer.Fit(new DataLoader(TrainingRig.Data(64, 3), 8, seed: 1), TrainingRig.Data(32, 4), 5);

            Assert.That(saved, Is.EqualTo(new long[] { 0, 2, 2, 4, 4 }), "the latest file is written after epochs 2 and 4");
            var bestEpoch = history.MinBy(m => m.TestLoss)!;
            Assert.That(saver.BestEpoch, Is.EqualTo(bestEpoch.Epoch));
            var data = CheckpointData.Read(best);
            Assert.That(data.Progress.Epoch, Is.EqualTo(bestEpoch.Epoch));
            Assert.That(data.Metadata["best_metric"], Is.EqualTo("test_loss"));
            Assert.That(double.Parse(data.Metadata["best_value"], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(bestEpoch.TestLoss));
            Assert.Throws<ArgumentException>(() => _ = new CheckpointSaver(last, bestPath: last));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

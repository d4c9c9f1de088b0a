using Regularize.Nn;
using Regularize.Tensors;
using Regularize.Training;

namespace Regularize.Tests.Training;

public class MaxNormConstraintTests
{
    [Test]
    public void RowsAboveTheLimitAreScaledToItAsKerasDoes()
    {
        var layer = new Linear(2, 3, seed: 1);
        Tensor.FromArray([3, 4, 0.3f, 0.4f, 0, 0], 3, 2).Span.CopyTo(layer.Weight.Value.Span);
        layer.Bias!.Value.Span.Fill(10f);
        new MaxNormConstraint(maxNorm: 2).Apply(layer.Parameters());
        var w = layer.Weight.Value.ToArray();
        // Keras: w·clip(n, 0, c)/(ε + n). Row 0 has n = 5 → 2/(5 + 1e-7); row 1 n = 0.5 → 0.5/(0.5 + 1e-7); row 2 stays 0.
        double s0 = 2 / (5 + 1e-7), s1 = 0.5 / (0.5 + 1e-7);
        Assert.That(w, Is.EqualTo(new[] { (float)(3 * s0), (float)(4 * s0), (float)(0.3f * s1), (float)(0.4f * s1), 0f, 0f }).Within(1e-6f));
        Assert.That(layer.Bias.Value.ToArray(), Has.All.EqualTo(10f), "biases are not constrained by default");
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MaxNormConstraint(0));
    }

    [Test]
    public void AsACallbackItHoldsAfterEveryStep()
    {
        var (model, trainer) = TrainingRig.SgdTrainer(lr: 2.0);
        trainer.Callbacks.Add(new MaxNormConstraint(0.5));
        trainer.Fit(new Regularize.Data.DataLoader(TrainingRig.Data(32, 1), 8, seed: 2), null, 2);
        foreach (var p in model.Parameters().Where(p => p.Value.Rank == 2))
        {
            int rows = p.Value.Shape[0], width = p.Length / rows;
            for (int r = 0; r < rows; r++)
            {
                double n = Math.Sqrt(p.Value.ToArray().Skip(r * width).Take(width).Sum(v => (double)v * v));
                Assert.That(n, Is.LessThanOrEqualTo(0.5 + 1e-6), $"{p.Name} row {r}");
            }
        }
    }
}

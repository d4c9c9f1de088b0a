using Regularize.Data;
using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Tensors;
using Regularize.Training;

namespace Regularize.Tests.Training;

/// <summary>Small seeded models and data for the loop's tests.</summary>
internal static class TrainingRig
{
    /// <summary>n examples of 4 features in 3 classes: class c shifts feature c by 1.5.</summary>
    public static InMemoryDataset Data(int n, ulong seed)
    {
        var rng = new Rng(seed);
        var x = new float[n * 4];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = rng.NextInt(3);
            for (int j = 0; j < 4; j++) x[i * 4 + j] = (float)rng.NextNormal() * 0.7f + (j == y[i] ? 1.5f : 0f);
        }
        return new InMemoryDataset(x, y, new Shape(4), 3);
    }

    /// <summary>4 → 6 → 3 with ReLU, seeded.</summary>
    public static Sequential Mlp(ulong seed = 1) => new(new Linear(4, 6, seed: seed), new ReLU(), new Linear(6, 3, seed: seed + 1));

    public static float[][] Weights(Module model) => model.Parameters().Select(p => p.Value.ToArray()).ToArray();

    public static (Sequential Model, Trainer Trainer) SgdTrainer(double lr = 0.1, ulong seed = 1, double momentum = 0)
    {
        var model = Mlp(seed);
        var trainer = new Trainer(model, new Sgd(model.Parameters(), lr, momentum: momentum));
        return (model, trainer);
    }
}

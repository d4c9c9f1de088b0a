// The example of src/Regularize/PACKAGE.md (the package's README), line for line between the markers: the package
// consumer runs it against the packed library, and Regularize.Tests compiles it, runs it and checks that the README
// still holds these lines (ReadmeExampleTests).
using Regularize.Data;
using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Regularization;
using Regularize.Schedules;
using Regularize.Tensors;
using Regularize.Training;

public static class ReadmeExample
{
    public static (IReadOnlyList<ParameterGroup> Groups, Evaluation Test) Run()
    {
        // <example>
        // Data: points in the square [-2, 2]², labelled 1 inside the circle of radius 1.2, else 0.
        var random = new Random(0);
        float[] points = new float[2 * 1000];
        int[] labels = new int[1000];
        for (int i = 0; i < 1000; i++)
        {
            float px = 4 * random.NextSingle() - 2, py = 4 * random.NextSingle() - 2;
            (points[2 * i], points[2 * i + 1]) = (px, py);
            labels[i] = px * px + py * py < 1.44f ? 1 : 0;
        }
        var train = new InMemoryDataset(points[..1600], labels[..800], new Shape(2));
        var test = new InMemoryDataset(points[1600..], labels[800..], new Shape(2));

        var model = new Sequential(new Linear(2, 64, seed: 1), new ReLU(), new Linear(64, 2, seed: 2));

        // Decay mask: weight matrices get λ = 1e-4, biases (and norm layers) get no decay.
        IReadOnlyList<ParameterGroup> groups = GroupBuilder.SplitByDecay(model.Parameters(), weightDecay: 1e-4);
        var optimizer = new AdamW(groups, learningRate: 1e-2);   // decoupled weight decay, as torch.optim.AdamW

        // Schedule: cosine annealing of the learning rate over every step of the run.
        int epochs = 30;
        var loader = new DataLoader(train, batchSize: 32, shuffle: true, seed: 7);
        var cosine = new Scheduler(optimizer.ParameterGroups, new CosineAnnealing(1e-2, tMax: epochs * loader.BatchesPerEpoch));

        // Train, evaluating on the test set after every epoch, then evaluate once more.
        var trainer = new Trainer(model, optimizer, [cosine]);
        IReadOnlyList<EpochMetrics> history = trainer.Fit(loader, test, epochs);
        Evaluation result = trainer.Evaluate(test);
        Console.WriteLine($"after {history.Count} epochs: test accuracy {result.Accuracy:P1}, test loss {result.Loss:F3}");
        // </example>
        return (groups, result);
    }
}

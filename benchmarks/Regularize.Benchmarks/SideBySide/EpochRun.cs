using System.Diagnostics;
using System.Globalization;
using System.Text;
using Regularize.Autograd;
using Regularize.Data;
using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Schedules;
using Regularize.Tensors;

namespace Regularize.Benchmarks.SideBySide;

/// <summary>
/// Regularize's half of the side-by-side benchmark against PyTorch (<c>benchmarks/side-by-side/</c>): the
/// 784-512-256-10 ReLU MLP (or with <c>--model cnn</c> the CNN of issue 11, Conv2d(1,32,3,p=1)-BatchNorm2d-ReLU-MaxPool2d(2)-
/// Conv2d(32,64,3,p=1)-BatchNorm2d-ReLU-MaxPool2d(2)-Flatten-Linear(3136,128)-ReLU-Dropout(0.25)-Linear(128,10), with a
/// cosine learning rate over all steps) trained with AdamW (lr 1e-3, weight decay 1e-2), batch 128, for whole epochs of the full
/// Fashion-MNIST, each step in a <see cref="TensorScope"/>. It mirrors <c>torch_epoch.py</c> and prints the same JSON:
/// seconds per epoch (the training loop, batch gathering included, evaluation not) and test accuracy after each.
/// </summary>
/// <remarks>
/// <para>Usage: <c>epoch [--model mlp|cnn] [--data DIR] [--epochs N] [--batch N] [--lr X] [--wd X] [--seed N] [--normalize]
/// [--no-eval] [--profile]</c>. The thread count is the process's: set <c>DOTNET_PROCESSOR_COUNT=1</c> for one
/// thread (the matrix multiply uses <see cref="Environment.ProcessorCount"/> threads).</para>
/// <para><c>--profile</c> adds a per-phase breakdown of the steps (data, forward with loss, backward, optimizer) to
/// standard error; the extra clock reads cost nothing measurable at this step size.</para>
/// </remarks>
public static class EpochRun
{
    /// <summary>Trains and prints one JSON object on standard output; returns 0.</summary>
    public static int Run(string[] args)
    {
        var o = Options.Parse(args);
        PixelNormalization? norm = o.Normalize ? FashionMnist.TrainingSetNormalization : null;
        var train = FashionMnist.Load(o.Data, MnistSplit.Train, norm);
        var test = FashionMnist.Load(o.Data, MnistSplit.Test, norm);
        var testInputs = Tensor.FromArray(test.Features.ToArray(), test.Count, 784);
        int[] testLabels = test.Labels.ToArray();

        ulong s = (ulong)o.Seed * 10;
        var model = o.Model == "cnn"
            ? new Sequential(new Unflatten(1, 28, 28),
                new Conv2d(1, 32, 3, padding: 1, seed: s + 1), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
                new Conv2d(32, 64, 3, padding: 1, seed: s + 2), new BatchNorm2d(64), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(3136, 128, seed: s + 3), new ReLU(), new Dropout(0.25, seed: s + 4),
                new Linear(128, 10, seed: s + 5))
            : new Sequential(
                new Linear(784, 512, seed: (ulong)o.Seed * 3 + 1), new ReLU(),
                new Linear(512, 256, seed: (ulong)o.Seed * 3 + 2), new ReLU(),
                new Linear(256, 10, seed: (ulong)o.Seed * 3 + 3));
        var optimizer = new AdamW(model.Parameters(), learningRate: o.LearningRate, weightDecay: o.WeightDecay);
        var loader = new DataLoader(train, o.Batch, shuffle: true, seed: (ulong)o.Seed);
        // The CNN run follows the issue: a cosine learning rate from lr to 0 over all steps, stepped after each step.
        Scheduler? cosine = o.Model == "cnn"
            ? new Scheduler(optimizer.ParameterGroups, new CosineAnnealing(o.LearningRate, (long)loader.BatchesPerEpoch * o.Epochs))
            : null;

        var epochs = new List<string>();
        var phases = new double[4]; // data, forward + loss, backward, optimizer (seconds, summed over epochs)
        long steps = 0;
        for (int epoch = 1; epoch <= o.Epochs; epoch++)
        {
            double lossSum = 0;
            long start = Stopwatch.GetTimestamp();
            while (true)
            {
                long t0 = Stopwatch.GetTimestamp();
                if (!loader.TryNext(out Batch batch)) break;
                long t1 = Stopwatch.GetTimestamp(), t2, t3;
                using (TensorScope.Begin())
                {
                    var loss = Losses.CrossEntropy(model.Forward(batch.Inputs), batch.Labels);
                    lossSum += loss.Item() * batch.Count;
                    t2 = Stopwatch.GetTimestamp();
                    loss.Backward();
                    t3 = Stopwatch.GetTimestamp();
                }
                optimizer.Step();
                cosine?.Step();
                optimizer.ZeroGrad(setToNull: true); // as torch_epoch.py: the next backward overwrites the buffers
                long t4 = Stopwatch.GetTimestamp();
                if (o.Profile)
                {
                    phases[0] += Stopwatch.GetElapsedTime(t0, t1).TotalSeconds;
                    phases[1] += Stopwatch.GetElapsedTime(t1, t2).TotalSeconds;
                    phases[2] += Stopwatch.GetElapsedTime(t2, t3).TotalSeconds;
                    phases[3] += Stopwatch.GetElapsedTime(t3, t4).TotalSeconds;
                }
                steps++;
            }
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var record = new StringBuilder();
            record.Append(CultureInfo.InvariantCulture,
                $"{{\"epoch\": {epoch}, \"seconds\": {seconds:R}, \"train_loss\": {lossSum / train.Count:R}");
            if (!o.NoEval) record.Append(CultureInfo.InvariantCulture, $", \"test_accuracy\": {Accuracy(model, testInputs, testLabels):R}");
            record.Append('}');
            epochs.Add(record.ToString());
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"regularize epoch {epoch}: {seconds:F3} s"));
        }

        if (o.Profile)
        {
            double total = phases.Sum();
            string[] names = ["data", "forward + loss", "backward", "optimizer + zero grad"];
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"per step, mean over {steps} steps:"));
            for (int i = 0; i < phases.Length; i++)
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {names[i],-22} {phases[i] / steps * 1e3,8:F3} ms  {phases[i] / total,6:P1}"));
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"framework\": \"regularize\", \"model\": \"{o.Model}\", \"threads\": {Environment.ProcessorCount}, \"batch\": {o.Batch}, \"normalize\": {(o.Normalize ? "true" : "false")}, \"epochs\": [{string.Join(", ", epochs)}]}}"));
        return 0;
    }

    /// <summary>The fraction of test examples whose largest logit is at their label (evaluated in chunks of 1000, without recording).</summary>
    private static double Accuracy(Module model, Tensor inputs, int[] labels)
    {
        int correct = 0;
        const int Chunk = 1000;
        model.Eval(); // dropout off, batch norm on its running statistics
        using (GradMode.NoGrad())
        {
            for (int first = 0; first < labels.Length; first += Chunk)
            {
                int count = Math.Min(Chunk, labels.Length - first);
                using (TensorScope.Begin())
                {
                    int[] predicted = model.Forward(inputs.Rows(first, count)).ArgMax(1);
                    for (int i = 0; i < count; i++) if (predicted[i] == labels[first + i]) correct++;
                }
            }
        }
        model.Train();
        return (double)correct / labels.Length;
    }

    private sealed record Options(string Model, string Data, int Epochs, int Batch, double LearningRate, double WeightDecay, int Seed,
        bool Normalize, bool NoEval, bool Profile)
    {
        public static Options Parse(string[] args)
        {
            var o = new Options("mlp", "/usr/share/datasets/fashion-mnist", 1, 128, 1e-3, 1e-2, 0, false, false, false);
            for (int i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"epoch: {args[i]} needs a value.");
                o = args[i] switch
                {
                    "--model" => o with { Model = Value() is "mlp" or "cnn" ? args[i] : throw new ArgumentException($"epoch: --model is mlp or cnn, not {args[i]}.") },
                    "--data" => o with { Data = Value() },
                    "--epochs" => o with { Epochs = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--batch" => o with { Batch = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--lr" => o with { LearningRate = double.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--wd" => o with { WeightDecay = double.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--seed" => o with { Seed = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--normalize" => o with { Normalize = true },
                    "--no-eval" => o with { NoEval = true },
                    "--profile" => o with { Profile = true },
                    _ => throw new ArgumentException($"epoch: unknown option {args[i]}; see EpochRun's documentation."),
                };
            }
            return o;
        }
    }
}

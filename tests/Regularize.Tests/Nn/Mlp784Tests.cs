using System.Diagnostics;
using System.Text.Json;
using Regularize.Autograd;
using Regularize.Nn;
using Regularize.Tensors;

namespace Regularize.Tests.Nn;

/// <summary>
/// A 784-256-10 MLP (Linear, ReLU, Linear): its gradients on a batch of 4 against PyTorch (Fixtures/nn/mlp784.json),
/// and 100 steps of plain gradient descent (w ← w − lr·g, batch 32, lr 0.05) on seeded synthetic data.
/// </summary>
/// <remarks>
/// The weights and inputs come from a formula (a multiplicative hash, <see cref="Formula"/>) that generate.py
/// evaluates identically, so the fixture stores only results: logits, the loss, the full gradients of both biases
/// and of the 10×256 weight, and for the 256×784 weight its row sums, column sums, first two rows and sum of squares.
/// Measured errors against the float64 reference: logits 7e-7 absolute (3.3e-6 relative); gradients of the
/// 10×256 weight 8.6e-7 absolute (entries up to about 0.5), other gradient entries below 3e-8; row sums of the
/// 256×784 weight's gradient 2.2e-6 absolute (2.5e-5 relative, sums of 784 float32 products), column sums 1.9e-7;
/// its sum of squares 3.3e-8 relative. Tolerance: 1e-6 + 1e-5·|ref| elementwise (the largest error is 19% of
/// it), 1e-5 + 1e-4·|ref| for the row sums (error at most 10% of it), 2e-5 relative for the sum of squares.
/// </remarks>
public class Mlp784Tests
{
    private const double Rtol = 1e-5;
    private const double Atol = 1e-6;

    /// <summary>u_i = ((i + 1000003·salt)·2654435761 mod 2³²)/2³² and value (u − ½)·2·halfWidth, cast to float; every step but the cast is exact.</summary>
    internal static float[] Formula(int count, long salt, double halfWidth, bool centred = true)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            ulong h = unchecked((ulong)(i + salt * 1000003L) * 2654435761UL) & 0xFFFFFFFFUL;
            double u = h / 4294967296.0;
            values[i] = centred ? (float)((u - 0.5) * (2 * halfWidth)) : (float)u;
        }
        return values;
    }

    internal static Sequential FormulaMlp()
    {
        var model = new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 10));
        Formula(256 * 784, 1, 1.0 / 32).CopyTo(model.Parameters().ElementAt(0).Value.Span);
        Formula(256, 2, 1.0 / 32).CopyTo(model.Parameters().ElementAt(1).Value.Span);
        Formula(10 * 256, 3, 1.0 / 16).CopyTo(model.Parameters().ElementAt(2).Value.Span);
        Formula(10, 4, 1.0 / 16).CopyTo(model.Parameters().ElementAt(3).Value.Span);
        return model;
    }

    private static readonly JsonElement Reference = NnFixtures.Load("mlp784.json");

    private static void AssertStepZeroGradients(Sequential model)
    {
        var x = Tensor.FromArray(Formula(4 * 784, 5, 0, centred: false), 4, 784);
        int[] classes = NnFixtures.Ints(Reference.GetProperty("classes"));
        model.ZeroGrad();
        var logits = model.Forward(x);
        NnFixtures.AssertClose(logits.Span, NnFixtures.Doubles(Reference.GetProperty("logits")), Rtol, Atol, "784 logits");
        var loss = Losses.CrossEntropy(logits, classes);
        NnFixtures.AssertClose(loss.Item(), Reference.GetProperty("loss").GetDouble(), Rtol, Atol, "784 loss");
        loss.Backward();

        var p = model.NamedParameters().ToDictionary(np => np.Name, np => np.Parameter);
        Assert.That(p.Keys, Is.EqualTo(new[] { "0.weight", "0.bias", "2.weight", "2.bias" }));
        NnFixtures.AssertClose(p["0.bias"].Grad!.Span, NnFixtures.Doubles(Reference.GetProperty("grad_0_bias")), Rtol, Atol, "grad 0.bias");
        NnFixtures.AssertClose(p["2.weight"].Grad!.Span, NnFixtures.Doubles(Reference.GetProperty("grad_2_weight")), Rtol, Atol, "grad 2.weight");
        NnFixtures.AssertClose(p["2.bias"].Grad!.Span, NnFixtures.Doubles(Reference.GetProperty("grad_2_bias")), Rtol, Atol, "grad 2.bias");

        var g1 = p["0.weight"].Grad!.ToArray();
        var rowSums = new float[256];
        var columnSums = new float[784];
        double sumOfSquares = 0;
        for (int r = 0; r < 256; r++)
        {
            double rs = 0;
            for (int c = 0; c < 784; c++)
            {
                float g = g1[r * 784 + c];
                rs += g;
                columnSums[c] += g;
                sumOfSquares += (double)g * g;
            }
            rowSums[r] = (float)rs;
        }
        NnFixtures.AssertClose(g1.AsSpan(0, 2 * 784), NnFixtures.Doubles(Reference.GetProperty("grad_0_weight_first_rows")), Rtol, Atol, "grad 0.weight rows 0-1");
        // A row sum is Σₙ δ[n,r]·Σ_c x[n,c] with Σ_c x ≈ 390: it carries the error of the backpropagated δ (itself a
        // sum with cancellation) scaled up by 390, hence the looser tolerance.
        NnFixtures.AssertClose(rowSums, NnFixtures.Doubles(Reference.GetProperty("grad_0_weight_row_sums")), 1e-4, 1e-5, "grad 0.weight row sums");
        NnFixtures.AssertClose(columnSums, NnFixtures.Doubles(Reference.GetProperty("grad_0_weight_column_sums")), Rtol, Atol, "grad 0.weight column sums");
        double expectedSquares = Reference.GetProperty("grad_0_weight_sum_of_squares").GetDouble();
        NnFixtures.AssertClose((float)sumOfSquares, expectedSquares, 2e-5, 0, "grad 0.weight sum of squares");
    }

    [Test]
    public void Gradients_match_PyTorch() => AssertStepZeroGradients(FormulaMlp());

    /// <summary>
    /// Ten classes, each a random 784-pixel prototype in [0, 1); a sample is its class's prototype plus N(0, 0.5²)
    /// noise on every pixel (seeded), so the classes overlap pixel by pixel but are separable in 784 dimensions.
    /// </summary>
    private static (Tensor X, int[] Y) SyntheticData(int count, ulong seed)
    {
        var prototypes = new float[10 * 784];
        new Rng(20261125).FillUniform(prototypes, 0, 1); // the same classes for the training and the held-out set
        var rng = new Rng(seed);
        var x = Tensor.Zeros(count, 784);
        var y = new int[count];
        var xs = x.Span;
        for (int i = 0; i < count; i++)
        {
            y[i] = rng.NextInt(10);
            for (int j = 0; j < 784; j++) xs[i * 784 + j] = prototypes[y[i] * 784 + j] + 0.5f * (float)rng.NextNormal();
        }
        return (x, y);
    }

    private static float MeanLoss(Module model, Tensor x, int[] y)
    {
        using (GradMode.NoGrad())
        {
            return Losses.CrossEntropy(model.Forward(x), y).Item();
        }
    }

    [Test]
    public void Trains_on_synthetic_data_with_plain_gradient_steps()
    {
        var model = FormulaMlp();
        AssertStepZeroGradients(model); // step 0's gradients are PyTorch's

        const int batch = 32, steps = 100;
        const float learningRate = 0.05f;
        var (trainX, trainY) = SyntheticData(1024, seed: 42);
        var (testX, testY) = SyntheticData(512, seed: 43);
        float initialTrain = MeanLoss(model, trainX, trainY);
        float initialTest = MeanLoss(model, testX, testY);

        var watch = Stopwatch.StartNew();
        var parameters = model.Parameters().ToArray();
        for (int step = 0; step < steps; step++)
        {
            int start = step * batch % trainX.Shape[0];
            model.ZeroGrad();
            using (TensorScope.Begin())
            {
                var loss = Losses.CrossEntropy(model.Forward(trainX.Rows(start, batch)), trainY[start..(start + batch)]);
                loss.Backward();
            }
            foreach (var p in parameters)
            {
                Span<float> w = p.Value.Span;
                ReadOnlySpan<float> g = p.Grad!.Span;
                for (int i = 0; i < w.Length; i++) w[i] -= learningRate * g[i];
            }
        }
        float finalTrain = MeanLoss(model, trainX, trainY);
        float finalTest = MeanLoss(model, testX, testY);
        TestContext.Out.WriteLine(
            $"{steps} steps in {watch.ElapsedMilliseconds} ms: train loss {initialTrain:F4} -> {finalTrain:F4} ({initialTrain / finalTrain:F0}x), test {initialTest:F4} -> {finalTest:F4} ({initialTest / finalTest:F0}x)");
        // Measured: 2.315 -> 0.048 on the training set (48x) and 2.323 -> 0.062 held out (37x).
        Assert.That(finalTrain, Is.LessThan(initialTrain / 20), "training loss falls by more than 20x");
        Assert.That(finalTest, Is.LessThan(initialTest / 15), "held-out loss falls by more than 15x");
    }
}

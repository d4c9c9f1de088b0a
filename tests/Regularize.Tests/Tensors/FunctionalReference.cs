using System.Text.Json;
using Regularize.Tensors;

namespace Regularize.Tests.Tensors;

/// <summary>
/// Reads Fixtures/functional/functional_reference.json (written by generate.py beside it with PyTorch 1.13): per case
/// an input x, the output y, a weighting w and dL/dx for L = Σ w·y, every float32 array stored exactly (base64 LE bytes).
/// </summary>
internal static class FunctionalReference
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "functional", "functional_reference.json"))));

    public static JsonElement Case(string name) => Document.Value.RootElement.GetProperty("cases").GetProperty(name);

    public static IEnumerable<string> Names(string prefix) =>
        Document.Value.RootElement.GetProperty("cases").EnumerateObject().Select(p => p.Name).Where(n => n.StartsWith(prefix, StringComparison.Ordinal));

    public static Tensor Tensor(JsonElement record)
    {
        var shape = record.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var bytes = Convert.FromBase64String(record.GetProperty("data").GetString()!);
        var data = new float[bytes.Length / 4];
        for (int i = 0; i < data.Length; i++) data[i] = BitConverter.ToSingle(bytes, 4 * i);
        return shape.Length == 0 ? Regularize.Tensors.Tensor.Scalar(data[0]) : Regularize.Tensors.Tensor.FromArray(data, shape);
    }

    public static Tensor Tensor(string name, string key) => Tensor(Case(name).GetProperty(key));

    public static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();

    /// <summary>
    /// Asserts the shapes are equal and |actual − expected| ≤ atol + rtol·|expected| elementwise (NaN only where
    /// expected is NaN); prints the largest absolute error so tolerances can be read off a run.
    /// </summary>
    public static void AssertClose(Tensor actual, Tensor expected, double rtol, double atol, string what)
    {
        Assert.That(actual.Shape.ToArray(), Is.EqualTo(expected.Shape.ToArray()), $"{what}: shape {actual.Shape} vs {expected.Shape}");
        ReadOnlySpan<float> a = actual.Span, e = expected.Span;
        double worst = 0;
        for (int i = 0; i < e.Length; i++)
        {
            if (float.IsNaN(e[i]))
            {
                Assert.That(float.IsNaN(a[i]), Is.True, $"{what}[{i}]: expected NaN, got {a[i]}");
                continue;
            }
            double err = Math.Abs((double)a[i] - e[i]);
            worst = Math.Max(worst, err);
            Assert.That(err, Is.LessThanOrEqualTo(atol + rtol * Math.Abs(e[i])), $"{what}[{i}]: expected {e[i]:R}, got {a[i]:R}");
        }
        TestContext.Out.WriteLine($"{what}: max abs error {worst:E2} over {e.Length} values");
    }

    /// <summary>Runs <paramref name="f"/> on the case's x, checks y, then back-propagates Σ w·y and checks dL/dx.</summary>
    public static void CheckValueAndGradient(string name, Func<Tensor, Tensor> f, double rtol = 1e-5, double atol = 1e-6)
    {
        var x = Tensor(name, "x");
        x.RequiresGrad = true;
        var y = f(x);
        AssertClose(y, Tensor(name, "y"), rtol, atol, $"{name} value");
        (y * Tensor(name, "w")).Sum().Backward();
        AssertClose(x.Grad!, Tensor(name, "grad"), rtol, atol, $"{name} gradient");
    }
}

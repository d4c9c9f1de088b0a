using System.Text.Json;
using Regularize.Tensors;

namespace Regularize.Tests.Nn;

/// <summary>
/// Reads Fixtures/layers/layers_reference.json (written by generate.py beside it with PyTorch 1.13 and torchvision 0.14):
/// GroupNorm cases (inputs, output, gradients) and torchvision stochastic-depth outputs, every float32 array stored exactly.
/// </summary>
internal static class LayersReference
{
    private static readonly Lazy<JsonElement> Root = new(() => JsonDocument.Parse(File.ReadAllText(
        Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "layers", "layers_reference.json"))).RootElement);

    public static IEnumerable<string> GroupNormCases() => Names("group_norm");

    public static IEnumerable<string> StochasticDepthCases() => Names("stochastic_depth");

    public static JsonElement GroupNorm(string name) => Root.Value.GetProperty("group_norm").GetProperty(name);

    public static JsonElement StochasticDepth(string name) => Root.Value.GetProperty("stochastic_depth").GetProperty(name);

    public static JsonElement Residual() => Root.Value.GetProperty("residual");

    private static IEnumerable<string> Names(string section)
    {
        // NUnit reads test case sources before any test runs, so this cannot use TestContext's test directory.
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "layers", "layers_reference.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty(section).EnumerateObject().Select(p => p.Name).ToArray();
    }

    public static Tensor TensorOf(JsonElement record)
    {
        var shape = record.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var bytes = Convert.FromBase64String(record.GetProperty("data").GetString()!);
        var data = new float[bytes.Length / 4];
        for (int i = 0; i < data.Length; i++) data[i] = BitConverter.ToSingle(bytes, 4 * i);
        return shape.Length == 0 ? Tensor.Scalar(data[0]) : Tensor.FromArray(data, shape);
    }

    /// <summary>Asserts equal shapes and |actual − expected| ≤ atol + rtol·|expected| elementwise; returns the largest absolute error.</summary>
    public static double AssertClose(Tensor actual, Tensor expected, double rtol, double atol, string what)
    {
        Assert.That(actual.Shape.ToArray(), Is.EqualTo(expected.Shape.ToArray()), $"{what}: shape");
        ReadOnlySpan<float> a = actual.Span, e = expected.Span;
        double worst = 0;
        for (int i = 0; i < e.Length; i++)
        {
            double err = Math.Abs((double)a[i] - e[i]);
            worst = Math.Max(worst, err);
            if (!(err <= atol + rtol * Math.Abs(e[i]))) Assert.Fail($"{what}[{i}]: expected {e[i]:R}, got {a[i]:R}");
        }
        TestContext.Out.WriteLine($"{what}: max abs error {worst:E2} over {e.Length} values");
        return worst;
    }
}

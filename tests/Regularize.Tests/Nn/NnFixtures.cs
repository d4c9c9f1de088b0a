using System.Text.Json;
using Regularize.Nn;
using Regularize.Tensors;

namespace Regularize.Tests.Nn;

/// <summary>Reads the PyTorch reference data in Fixtures/nn (written by generate.py beside it) and compares against it.</summary>
internal static class NnFixtures
{
    public static JsonElement Load(string file)
    {
        string path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "nn", file);
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement;
    }

    /// <summary>float32 values stored with 9 significant digits: parsing to double and casting recovers the exact bits.</summary>
    public static float[] Floats(JsonElement array) => array.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    public static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    public static int[] Ints(JsonElement array) => array.EnumerateArray().Select(v => v.GetInt32()).ToArray();

    /// <summary>A tensor from <c>{"shape": [...], "data": [...]}</c>.</summary>
    public static Tensor TensorOf(JsonElement record) =>
        Tensor.FromArray(Floats(record.GetProperty("data")), Ints(record.GetProperty("shape")));

    /// <summary>Copies every parameter of <paramref name="model"/> from <c>params</c>, matching by name; the two name sets must be equal.</summary>
    public static void LoadParameters(Module model, JsonElement parameters)
    {
        var expected = parameters.EnumerateObject().Select(p => p.Name).ToArray();
        var actual = model.NamedParameters().Select(np => np.Name).ToArray();
        Assert.That(actual, Is.EqualTo(expected), "parameter names and order, as PyTorch's named_parameters()");
        foreach (var (name, p) in model.NamedParameters())
        {
            var t = TensorOf(parameters.GetProperty(name));
            Assert.That(p.Shape, Is.EqualTo(t.Shape), name);
            t.Span.CopyTo(p.Value.Span);
        }
    }

    /// <summary>
    /// Asserts |actual − expected| ≤ atol + rtol·|expected| elementwise, and returns the largest absolute and
    /// relative (to max(|expected|, atol)) errors, which it also prints, so tolerances can be read off a run.
    /// </summary>
    public static (double MaxAbs, double MaxRel) AssertClose(ReadOnlySpan<float> actual, double[] expected, double rtol, double atol, string what)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), $"{what}: length");
        double maxAbs = 0, maxRel = 0, maxRatio = 0;
        int worst = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Math.Abs(actual[i] - expected[i]);
            double rel = err / Math.Max(Math.Abs(expected[i]), atol);
            if (err > maxAbs) maxAbs = err;
            if (rel > maxRel) maxRel = rel;
            maxRatio = Math.Max(maxRatio, err / (atol + rtol * Math.Abs(expected[i])));
            if (!(err <= atol + rtol * Math.Abs(expected[i])) && worst < 0) worst = i;
        }
        TestContext.Out.WriteLine($"{what}: max abs error {maxAbs:E2}, max rel error {maxRel:E2} over {expected.Length} values; worst error/tolerance {maxRatio:F3}");
        if (worst >= 0)
        {
            Assert.Fail($"{what}: element {worst} is {actual[worst]}, reference {expected[worst]} (tolerance {atol} + {rtol}·|ref|); max abs error {maxAbs:E2}");
        }
        return (maxAbs, maxRel);
    }

    public static (double MaxAbs, double MaxRel) AssertClose(float actual, double expected, double rtol, double atol, string what) =>
        AssertClose([actual], [expected], rtol, atol, what);
}

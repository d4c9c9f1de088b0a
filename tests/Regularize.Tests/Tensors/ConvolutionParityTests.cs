using System.Text.Json;
using Regularize.Tensors;
using Regularize.Tests.Nn;

namespace Regularize.Tests.Tensors;

/// <summary>
/// The convolutional ops against PyTorch 1.13 (Fixtures/conv/reference.json, written by generate.py beside it):
/// forward and every gradient of L = Σ y·g, for odd sizes, stride 2, padding, dilation, groups, depthwise, "same"
/// padding with an even kernel, ties in max pooling and batch 1. The reference ran in float64 on the same float32
/// values, so the differences are our float32 rounding.
/// </summary>
/// <remarks>
/// Tolerance |ours − ref| ≤ <see cref="Atol"/> + <see cref="Rtol"/>·|ref|; values are of order 1 to 10. Measured
/// (AVX2): at most 9.4e-6 absolute, and every error at most 0.11 of its tolerance. A wrong
/// tap, a missing padding row or a tie sent to the wrong element changes values by 0.1 or more.
/// </remarks>
[Category("Kernels")]
public class ConvolutionParityTests
{
    private const double Rtol = 2e-5;
    private const double Atol = 2e-5;

    private static readonly JsonElement Data = JsonDocument.Parse(File.ReadAllText(
        Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "conv", "reference.json"))).RootElement;

    private static IEnumerable<TestCaseData> Cases(string group) =>
        Data.GetProperty(group).EnumerateArray().Select((c, i) => new TestCaseData(i).SetArgDisplayNames(c.GetProperty("name").GetString()!));

    private static IEnumerable<TestCaseData> ConvCases() => Cases("conv");

    private static IEnumerable<TestCaseData> PoolCases() => Cases("pool");

    private static IEnumerable<TestCaseData> BatchNormCases() => Cases("batchnorm");

    private static Size2d Pair(JsonElement e) => new(e[0].GetInt32(), e[1].GetInt32());

    private static Tensor Leaf(JsonElement c, string name)
    {
        var t = NnFixtures.TensorOf(c.GetProperty(name));
        t.RequiresGrad = true;
        return t;
    }

    private static void Close(ReadOnlySpan<float> actual, JsonElement c, string name, string what) =>
        NnFixtures.AssertClose(actual, NnFixtures.Doubles(c.GetProperty(name)), Rtol, Atol, $"{what} {name}");

    private static void Backward(Tensor y, JsonElement c) => (y * NnFixtures.TensorOf(c.GetProperty("g"))).Sum().Backward();

    [TestCaseSource(nameof(ConvCases))]
    public void Conv2d_matches_torch(int index)
    {
        var c = Data.GetProperty("conv")[index];
        string what = c.GetProperty("name").GetString()!;
        var x = Leaf(c, "x");
        var w = Leaf(c, "weight");
        var b = c.TryGetProperty("bias", out _) ? Leaf(c, "bias") : null;
        int groups = c.GetProperty("groups").GetInt32();
        var y = c.TryGetProperty("paddingMode", out var mode)
            ? Tensor.Conv2d(x, w, b, mode.GetString()!, Pair(c.GetProperty("stride")), Pair(c.GetProperty("dilation")), groups)
            : Tensor.Conv2d(x, w, b, Pair(c.GetProperty("stride")), Pair(c.GetProperty("padding")), Pair(c.GetProperty("dilation")), groups);
        Assert.That(y.Shape.ToArray(), Is.EqualTo(NnFixtures.Ints(c.GetProperty("yShape"))), what);
        Close(y.Span, c, "y", what);
        Backward(y, c);
        Close(x.Grad!.Span, c, "dx", what);
        Close(w.Grad!.Span, c, "dweight", what);
        if (b is not null) Close(b.Grad!.Span, c, "dbias", what);
    }

    [TestCaseSource(nameof(PoolCases))]
    public void Pooling_matches_torch(int index)
    {
        var c = Data.GetProperty("pool")[index];
        string what = c.GetProperty("name").GetString()!;
        var x = Leaf(c, "x");
        Size2d? Opt(string name) => c.TryGetProperty(name, out var e) ? Pair(e) : null;
        var y = c.GetProperty("kind").GetString() switch
        {
            "max" => Tensor.MaxPool2d(x, Pair(c.GetProperty("kernel_size")), Opt("stride"), Opt("padding"), Opt("dilation")),
            "avg" => Tensor.AvgPool2d(x, Pair(c.GetProperty("kernel_size")), Opt("stride"), Opt("padding"),
                !c.TryGetProperty("count_include_pad", out var cip) || cip.GetBoolean()),
            _ => Tensor.AdaptiveAvgPool2d(x, Pair(c.GetProperty("output_size"))),
        };
        Assert.That(y.Shape.ToArray(), Is.EqualTo(NnFixtures.Ints(c.GetProperty("yShape"))), what);
        Close(y.Span, c, "y", what);
        Backward(y, c);
        Close(x.Grad!.Span, c, "dx", what);
    }

    [TestCaseSource(nameof(BatchNormCases))]
    public void BatchNorm_matches_torch(int index)
    {
        var c = Data.GetProperty("batchnorm")[index];
        string what = c.GetProperty("name").GetString()!;
        var x = Leaf(c, "x");
        var w = Leaf(c, "weight");
        var b = Leaf(c, "bias");
        var rm = NnFixtures.TensorOf(c.GetProperty("runningMean"));
        var rv = NnFixtures.TensorOf(c.GetProperty("runningVar"));
        var y = Tensor.BatchNorm(x, rm, rv, w, b, c.GetProperty("training").GetBoolean(), momentum: 0.1, eps: 1e-5);
        Close(y.Span, c, "y", what);
        Close(rm.Span, c, "runningMeanAfter", what);
        Close(rv.Span, c, "runningVarAfter", what);
        Backward(y, c);
        Close(x.Grad!.Span, c, "dx", what);
        Close(w.Grad!.Span, c, "dweight", what);
        Close(b.Grad!.Span, c, "dbias", what);
    }
}

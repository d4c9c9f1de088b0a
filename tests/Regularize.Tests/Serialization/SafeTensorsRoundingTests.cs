using Regularize.Serialization;
using Regularize.Tensors;

namespace Regularize.Tests.Serialization;

/// <summary>
/// Writing F16 and BF16 rounds as PyTorch does: Fixtures/safetensors/rounding.safetensors holds float32 values where
/// rounding is delicate and PyTorch's <c>.half()</c> and <c>.bfloat16()</c> of them (make_fixture.py); Regularize,
/// asked to write the same values in those types, must produce the same file byte for byte.
/// </summary>
public class SafeTensorsRoundingTests
{
    private static string Fixture(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "safetensors", name);

    private static SafeTensorsDType TypeOf(string name) => name switch
    {
        "f16" => SafeTensorsDType.F16,
        "bf16" => SafeTensorsDType.BF16,
        _ => SafeTensorsDType.F32,
    };

    private static byte[] Written(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata, Func<string, SafeTensorsDType> dtypeOf)
    {
        var ms = new MemoryStream();
        SafeTensors.Write(ms, tensors, metadata, dtypeOf);
        return ms.ToArray();
    }

    [Test]
    public void WritingTheSourceAsF16AndBF16GivesPyTorchsFile()
    {
        byte[] torch = File.ReadAllBytes(Fixture("rounding.safetensors"));
        SafeTensorsFile file = SafeTensors.Read(Fixture("rounding.safetensors"));
        Tensor source = file["source"];
        Assert.That(source.ToArray(), Has.Some.NaN, "the fixture covers NaN");
        var tensors = new Dictionary<string, Tensor> { ["source"] = source, ["f16"] = source, ["bf16"] = source };
        byte[] ours = Written(tensors, file.Metadata, TypeOf);
        AssertSameExceptNaNPayloads(ours, torch, file);
    }

    /// <summary>
    /// The files are equal byte for byte, except that a NaN may be spelled differently: PyTorch 1.13's vectorised CPU
    /// conversion writes a bfloat16 NaN as 0xFFFF, its scalar one (c10's round_to_nearest_even) as 0x7FC0, which is
    /// what Regularize writes.
    /// </summary>
    private static void AssertSameExceptNaNPayloads(byte[] ours, byte[] torch, SafeTensorsFile file)
    {
        Assert.That(ours.Length, Is.EqualTo(torch.Length));
        long dataStart = 8 + BitConverter.ToInt64(torch, 0);
        float[] source = file["source"].ToArray();
        int differing = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            if (ours[i] == torch[i]) continue;
            differing++;
            Assert.That(i, Is.GreaterThanOrEqualTo(dataStart), $"byte {i} of the header differs");
            long offset = i - dataStart;
            var entry = file.Entries.Single(e => e.DataBegin <= offset && offset < e.DataEnd);
            int size = entry.DType == SafeTensorsDType.F32 ? 4 : 2;
            long element = (offset - entry.DataBegin) / size;
            Assert.That(float.IsNaN(source[element]), $"{entry.Name} element {element} ({source[element]:R}) differs at byte {i}");
        }
        Assert.That(differing, Is.LessThanOrEqualTo(2), "only the one bfloat16 NaN may be spelled differently");
    }

    [Test]
    public void ReadingAndWritingBackGivesTheSameBits()
    {
        byte[] torch = File.ReadAllBytes(Fixture("rounding.safetensors"));
        SafeTensorsFile file = SafeTensors.Read(Fixture("rounding.safetensors"));
        Assert.That(file.Entries.Select(e => e.DType), Is.EqualTo(new[] { SafeTensorsDType.BF16, SafeTensorsDType.F16, SafeTensorsDType.F32 }));
        AssertSameExceptNaNPayloads(Written(file.Tensors, file.Metadata, TypeOf), torch, file); // a 16-bit value widened to float32 rounds back to itself
    }

    /// <summary>
    /// Writes a file in every dtype that PyTorch writes for a state dict, with the values PyTorch should find, to the
    /// test output folder, for the hand-run check <c>check_written.py FILE EXPECTED.json</c> (CI has no Python).
    /// </summary>
    [Test]
    public void WritesAFileForThePythonCheck()
    {
        string folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "python-check");
        Directory.CreateDirectory(folder);
        float[] values = [1f, 1.00048828125f, 65520f, -2.5f, 0.1f, 3.4e38f, 1e-8f, 7f];
        var tensors = new Dictionary<string, Tensor>
        {
            ["a32"] = Tensor.FromArray(values, 2, 4), ["b16"] = Tensor.FromArray(values, 2, 4),
            ["c_bf16"] = Tensor.FromArray(values, 8), ["d_count"] = Tensor.Scalar(12f),
        };
        var dtypes = new Dictionary<string, SafeTensorsDType>
        {
            ["a32"] = SafeTensorsDType.F32, ["b16"] = SafeTensorsDType.F16, ["c_bf16"] = SafeTensorsDType.BF16, ["d_count"] = SafeTensorsDType.I64,
        };
        string path = Path.Combine(folder, "dtypes.safetensors");
        SafeTensors.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt" }, n => dtypes[n]);
        string Numbers(Tensor t) => string.Join(",", t.ToArray().Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        File.WriteAllText(Path.Combine(folder, "dtypes.expected.json"), "{" + string.Join(",", tensors.Select(p =>
            $"\"{p.Key}\":{{\"dtype\":\"{dtypes[p.Key]}\",\"shape\":[{string.Join(",", p.Value.Shape.ToArray())}],\"values\":[{Numbers(p.Value)}]}}")) + "}\n");
        TestContext.Out.WriteLine($"run: /usr/bin/python3 check_written.py {path} {Path.Combine(folder, "dtypes.expected.json")}");
        Assert.That(SafeTensors.Read(path).Entries.Select(e => e.DType), Is.EqualTo(dtypes.Values));
    }

    [TestCase(65519.99609375f, 0x7BFF)]  // below the overflow tie: the largest finite half
    [TestCase(65520f, 0x7C00)]           // the tie between 65504 and 65536 goes to the even one, which is ∞
    [TestCase(-1e5f, 0xFC00)]
    [TestCase(1.00048828125f, 0x3C00)]   // 1 + 2⁻¹¹: a tie, to even (down)
    [TestCase(1.00146484375f, 0x3C02)]   // 1 + 3·2⁻¹¹: a tie, to even (up)
    [TestCase(2.98023224e-8f, 0x0000)]   // 2⁻²⁵: half the smallest subnormal, a tie, to 0
    [TestCase(5.96046448e-8f, 0x0001)]   // 2⁻²⁴: the smallest subnormal
    public void F16RoundsToNearestEvenAndOverflowsToInfinity(float x, int bits) =>
        Assert.That(BitConverter.HalfToUInt16Bits((Half)x), Is.EqualTo((ushort)bits));

    [TestCase(1.00390625f, 0x3F80)]      // 1 + 2⁻⁸: a tie, to even (down)
    [TestCase(1.01171875f, 0x3F82)]      // 1 + 3·2⁻⁸: a tie, to even (up)
    [TestCase(3.4e38f, 0x7F80)]          // past the largest bfloat16 after rounding: ∞
    [TestCase(float.MaxValue, 0x7F80)]
    [TestCase(float.MinValue, 0xFF80)]
    [TestCase(float.NegativeInfinity, 0xFF80)]
    [TestCase(-0f, 0x8000)]
    [TestCase(float.NaN, 0x7FC0)]
    public void BF16RoundsToNearestEvenAndOverflowsToInfinity(float x, int bits) =>
        Assert.That(SafeTensorsConversion.ToBFloat16(x), Is.EqualTo((ushort)bits));

    [Test]
    public void IntegerTypesTakeWholeNumbersOnlyAndNothingIsWritten()
    {
        var tensors = new Dictionary<string, Tensor> { ["count"] = Tensor.FromArray([3f, 2.5f], 2) };
        var ms = new MemoryStream();
        var e = Assert.Throws<ArgumentException>(() => SafeTensors.Write(ms, tensors, dtypeOf: _ => SafeTensorsDType.I64))!;
        Assert.That(e.Message, Does.Contain("Tensor 'count' element 1 is 2.5, which I64 cannot hold exactly"));
        Assert.That(ms.Length, Is.EqualTo(0));

        tensors["count"] = Tensor.FromArray([3f, 3e9f], 2);
        e = Assert.Throws<ArgumentException>(() => SafeTensors.Write(ms, tensors, dtypeOf: _ => SafeTensorsDType.I32))!;
        Assert.That(e.Message, Does.Contain("element 1 is 3E+09, which I32 cannot hold exactly"));

        tensors["count"] = Tensor.FromArray([3f, -7f], 2);
        SafeTensors.Write(ms, tensors, dtypeOf: _ => SafeTensorsDType.I64);
        ms.Position = 0;
        var back = SafeTensors.Read(ms);
        Assert.That(back.Entries.Single().DType, Is.EqualTo(SafeTensorsDType.I64));
        Assert.That(back["count"].ToArray(), Is.EqualTo(new[] { 3f, -7f }));
    }

    [Test]
    public void EveryTypeRoundTripsWhatItCanHold()
    {
        float[] values = [1f, -2f, 0.5f, 1024f];
        foreach (SafeTensorsDType dtype in Enum.GetValues<SafeTensorsDType>())
        {
            var ms = new MemoryStream();
            SafeTensors.Write(ms, new Dictionary<string, Tensor> { ["t"] = Tensor.FromArray(dtype is SafeTensorsDType.I64 or SafeTensorsDType.I32 ? [1f, -2f, 3f, 1024f] : values, 4) },
                dtypeOf: _ => dtype);
            ms.Position = 0;
            var entry = SafeTensors.Read(ms).Entries.Single();
            Assert.That(entry.DType, Is.EqualTo(dtype));
            Assert.That(entry.DataEnd, Is.EqualTo(4 * (dtype is SafeTensorsDType.F16 or SafeTensorsDType.BF16 ? 2 : dtype is SafeTensorsDType.F32 or SafeTensorsDType.I32 ? 4 : 8)), dtype.ToString());
        }
    }
}

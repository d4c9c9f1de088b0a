using System.Buffers.Binary;
using System.Text;
using Regularize.Serialization;
using Regularize.Tensors;
using static Regularize.Tests.Serialization.SafeTensorsTestFiles;

namespace Regularize.Tests.Serialization;

public class SafeTensorsTests
{
    private static SafeTensorsFile ReadBytes(byte[] bytes) => SafeTensors.Read(new MemoryStream(bytes, writable: false), "t.safetensors");

    private static InvalidDataException Invalid(byte[] bytes)
    {
        var e = Assert.Throws<InvalidDataException>(() => ReadBytes(bytes))!;
        Assert.That(e.Message, Does.Not.EndWith(".."), "a quoted message ending in a period gets no second one");
        return e;
    }

    private static byte[] WriteBytes(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var ms = new MemoryStream();
        SafeTensors.Write(ms, tensors, metadata);
        return ms.ToArray();
    }

    [Test]
    public void RoundTripsF32TensorsBitForBitWithMetadata()
    {
        var tensors = new Dictionary<string, Tensor>
        {
            ["layers.1.weight"] = Tensor.RandomNormal([3, 5], seed: 1),
            ["layers.0.bias"] = Tensor.FromArray([float.NaN, float.NegativeInfinity, -0f, float.Epsilon], 4),
            ["scale"] = Tensor.Scalar(2.5f),
            ["x"] = Tensor.Arange(0, 24).Reshape(2, 3, 4),
        };
        var metadata = new Dictionary<string, string> { ["format"] = "regularize", ["note"] = "ünïcödé ✓" };
        SafeTensorsFile file = ReadBytes(WriteBytes(tensors, metadata));

        Assert.That(file.Entries.Select(e => e.Name), Is.EqualTo(new[] { "layers.0.bias", "layers.1.weight", "scale", "x" }));
        foreach (var (name, t) in tensors)
        {
            Tensor back = file[name];
            Assert.That(back.Shape, Is.EqualTo(t.Shape), name);
            Assert.That(back.ToArray().Select(BitConverter.SingleToUInt32Bits), Is.EqualTo(t.ToArray().Select(BitConverter.SingleToUInt32Bits)), name);
        }
        Assert.That(file.Entries.All(e => e.DType == SafeTensorsDType.F32));
        Assert.That(file.Metadata, Is.EquivalentTo(metadata));
        Assert.That(() => file["missing"], Throws.InstanceOf<KeyNotFoundException>().With.Message.Contains("layers.0.bias"));
    }

    [Test]
    public void TheWrittenLayoutIsDeterministicSortedAndPadded()
    {
        var a = Tensor.FromArray([1f, 2f], 2);
        var b = Tensor.FromArray([3f], 1);
        byte[] first = WriteBytes(new Dictionary<string, Tensor> { ["b"] = b, ["a"] = a });
        byte[] second = WriteBytes(new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b });
        Assert.That(second, Is.EqualTo(first));

        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(first);
        Assert.That(n % 8, Is.EqualTo(0));
        string header = Encoding.UTF8.GetString(first, 8, (int)n);
        Assert.That(header.TrimEnd(' '), Is.EqualTo(
            """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"""));
        Assert.That(first, Has.Length.EqualTo(8 + (int)n + 12));
        Assert.That(BitConverter.ToSingle(first, 8 + (int)n + 8), Is.EqualTo(3f));
    }

    [Test]
    public void AnEmptyFileHoldsNoTensors()
    {
        SafeTensorsFile file = ReadBytes(WriteBytes(new Dictionary<string, Tensor>()));
        Assert.That(file.Entries, Is.Empty);
        Assert.That(file.Metadata, Is.Empty);
    }

    [Test]
    public void ReadsEveryDTypeAndConvertsToFloat32()
    {
        SafeTensorsFile file = ReadBytes(Mixed());
        Assert.That(file.Entries.Select(e => (e.Name, e.DType)), Is.EqualTo(new[]
        {
            ("a", SafeTensorsDType.F32), ("b", SafeTensorsDType.F16), ("c", SafeTensorsDType.BF16),
            ("d", SafeTensorsDType.F64), ("e", SafeTensorsDType.F32),
        }));
        Assert.That(file["a"].ToArray(), Is.EqualTo(Enumerable.Range(0, 12).Select(i => (float)i)));
        Assert.That(file["b"].ToArray(), Is.EqualTo(new[] { 1f, -2f, 0.5f, 65504f, 0f }));
        Assert.That(file["c"].Shape.ToArray(), Is.EqualTo(new[] { 2, 3 }));
        Assert.That(file["c"].ToArray().Take(4), Is.EqualTo(new[] { 1f, 2f, -3f, 0.25f }));
        Assert.That(file["d"].ToArray(), Is.EqualTo(new[] { 0.1f, -7f }));
        Assert.That(file["e"].Rank, Is.EqualTo(0));
        Assert.That(file["e"].Item(), Is.EqualTo(42f));
        Assert.That(file.Metadata["epoch"], Is.EqualTo("3"));
    }

    [Test]
    public void ReadsFromAStreamThatCannotSeek()
    {
        SafeTensorsFile file = SafeTensors.Read(new Data.IdxTestFiles.ForwardOnlyStream(Mixed(), 7), "fwd");
        Assert.That(file["a"].ToArray()[11], Is.EqualTo(11f));
    }

    [Test]
    public void WriteRejectsReservedNamesAndNulls()
    {
        Assert.That(() => WriteBytes(new Dictionary<string, Tensor> { ["__metadata__"] = Tensor.Scalar(1) }), Throws.ArgumentException);
        Assert.That(() => WriteBytes(new Dictionary<string, Tensor> { ["a"] = null! }), Throws.ArgumentException);
    }

    [Test]
    public void WritingToAPathIsAtomic()
    {
        string dir = Path.Combine(TestContext.CurrentContext.WorkDirectory, "st-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string path = Path.Combine(dir, "model.safetensors");
            SafeTensors.Write(path, new Dictionary<string, Tensor> { ["w"] = Tensor.Full(1f, 3) });
            SafeTensors.Write(path, new Dictionary<string, Tensor> { ["w"] = Tensor.Full(2f, 3) });
            Assert.That(SafeTensors.Read(path)["w"].ToArray(), Is.EqualTo(new[] { 2f, 2f, 2f }));
            Assert.That(Directory.GetFiles(dir), Has.Length.EqualTo(1));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    // ------------------------------------------------------------ invalid files, one problem each

    private const string A = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
    private static readonly byte[] Eight = new byte[8];

    [Test]
    public void HeaderLengthProblems()
    {
        Assert.That(Invalid(new byte[5]).Message, Is.EqualTo("t.safetensors: the file is 5 bytes long; a safetensors file starts with an 8-byte header length."));
        Assert.That(Invalid(Build("{" + A + "}", Eight, lyingHeaderLength: 1UL << 40)).Message, Does.Contain("more than the limit of 100000000"));
        Assert.That(Invalid(Build("{" + A + "}", Eight, lyingHeaderLength: 1000)).Message, Does.Contain("the header length is 1000 bytes but only"));
        Assert.That(Invalid(Build("{" + A + "}", Eight, lyingHeaderLength: 0)).Message, Does.Contain("too short"));
        Assert.That(() => SafeTensors.Read(new MemoryStream(Build("{" + A + "}", Eight)), "t", maxHeaderBytes: 16),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("more than the limit of 16"));
    }

    [TestCase(" {}", "does not start with '{'")]
    [TestCase("[1]", "does not start with '{'")]
    [TestCase("{\"a\":", "not valid JSON")]
    [TestCase("{\"a\":{\"dtype\":\"F32\",\"shape\":[[[1]]],\"data_offsets\":[0,4]}}", "not valid JSON")]
    [TestCase("{\"a\":[1]}", "tensor 'a' is a JSON Array, not an object")]
    [TestCase("{\"__metadata__\":[]}", "'__metadata__' is a JSON Array")]
    [TestCase("{\"__metadata__\":{\"k\":1}}", "metadata 'k' is a JSON Number, not a string")]
    [TestCase("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", "metadata 'k' appears twice")]
    [TestCase("{\"__metadata__\":{},\"__metadata__\":{}}", "'__metadata__' appears twice")]
    public void MalformedHeaders(string header, string message)
    {
        Assert.That(Invalid(Build(header, [])).Message, Does.Contain(message));
    }

    [Test]
    public void InvalidUtf8IsRejected()
    {
        byte[] file = Build("{\"a\u00e9\":1}", []);
        file[8 + 3] = 0xFF;
        Assert.That(Invalid(file).Message, Does.Contain("not valid UTF-8"));
    }

    [TestCase("{" + A + "," + A + "}", "tensor 'a' appears twice")]
    [TestCase("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", "tensor 'a' has the field \"dtype\" twice")]
    [TestCase("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":1}}", "tensor 'a' has an unknown field 'x'")]
    [TestCase("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", "tensor 'a' has no \"dtype\"")]
    [TestCase("{\"a\":{\"dtype\":\"U64\",\"shape\":[1],\"data_offsets\":[0,8]}}", "tensor 'a' has dtype U64, which Regularize does not read")]
    [TestCase("{\"a\":{\"dtype\":\"F31\",\"shape\":[2],\"data_offsets\":[0,8]}}", "tensor 'a' has an unknown dtype 'F31'")]
    [TestCase("{\"a\":{\"dtype\":7,\"shape\":[2],\"data_offsets\":[0,8]}}", "\"dtype\" is a JSON Number, not a string")]
    [TestCase("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", "tensor 'a': shape[0] is -2, which is negative")]
    [TestCase("{\"a\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", "tensor 'a': shape[0] is '2.0', not an integer")]
    [TestCase("{\"a\":{\"dtype\":\"F32\",\"shape\":[1e0],\"data_offsets\":[0,8]}}", "not an integer")]
    [TestCase("{\"a\":{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]}}", "shape[0] is a JSON String, not an integer")]
    [TestCase("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,0],\"data_offsets\":[0,0]}}", "tensor 'a' has a dimension of size 0 (shape[1])")]
    [TestCase("{\"a\":{\"dtype\":\"F32\",\"shape\":[99999999999],\"data_offsets\":[0,8]}}", "shape[0] is 99999999999, more than")]
    [TestCase("{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,8]}}", "more than 2147483591 elements")]
    [TestCase("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", "F32 shape [3] needs 12 bytes, but data_offsets [0, 8] hold 8")]
    [TestCase("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", "end before they begin")]
    [TestCase("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,9]}}", "must be an array of two integers")]
    [TestCase("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", "reach past the data section, which holds 8 bytes")]
    [TestCase("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "the tensors cover 4 bytes but the data section holds 8")]
    [TestCase("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "leaving bytes 0 to 4 of the data section unused")]
    [TestCase("{" + A + ",\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "tensor 'b' at [4, 8] overlaps tensor 'a' at [0, 8]")]
    [TestCase("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,18446744073709551615]}}", "not an integer in range")]
    public void InvalidTensorEntries(string header, string message)
    {
        Assert.That(Invalid(Build(header, Eight)).Message, Does.Contain(message));
    }

    [Test]
    public void ALongOrStrangeNameIsCutShortInMessages()
    {
        string name = new string('x', 500) + "\n";
        var e = Invalid(Build("{\"" + name.Replace("\n", "\\n") + "\":1}", []));
        Assert.That(e.Message, Does.Contain("tensor '" + new string('x', 80) + "...' is a JSON Number"));
    }

    [Test]
    public void DataThatEndsEarlyNamesTheTensor()
    {
        // A stream that reports a length but delivers less: the check against the length passes, the read fails.
        byte[] file = Mixed();
        var stream = new ShortStream(file, file.Length - 10);
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(stream, "short"));
        Assert.That(e!.Message, Does.Contain("tensor 'd': the data ends after"));
    }

    /// <summary>A seekable stream whose Length is the full file but which ends after <c>available</c> bytes.</summary>
    private sealed class ShortStream(byte[] bytes, int available) : MemoryStream(bytes, writable: false)
    {
        private readonly byte[] _content = bytes;

        public override int Read(Span<byte> buffer)
        {
            int n = (int)Math.Max(0, Math.Min(buffer.Length, available - Position));
            _content.AsSpan((int)Position, n).CopyTo(buffer);
            Position += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    }

    [Test]
    public void IntegerTensorsAreReadAsFloats()
    {
        // PyTorch keeps BatchNorm's num_batches_tracked as int64; integers up to 2^24 convert exactly.
        var data = new byte[8 + 12];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(data, 1234);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(8), -7);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(12), 1 << 24);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(16), 0);
        var file = ReadBytes(SafeTensorsTestFiles.Build(
            "{\"n\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]},\"k\":{\"dtype\":\"I32\",\"shape\":[3],\"data_offsets\":[8,20]}}", data));
        Assert.That(file["n"].ToArray(), Is.EqualTo(new float[] { 1234 }));
        Assert.That(file["k"].ToArray(), Is.EqualTo(new float[] { -7, 1 << 24, 0 }));
        Assert.That(file.Entries.Single(e => e.Name == "n").DType, Is.EqualTo(SafeTensorsDType.I64));
    }
}

using System.Text.Json;
using Regularize.Serialization;

namespace Regularize.Tests.Serialization;

/// <summary>
/// Reads a file written from PyTorch tensors by Fixtures/safetensors/make_fixture.py and compares every value,
/// bit for bit, with the float32 values the script recorded.
/// </summary>
public class SafeTensorsInteropTests
{
    private static string Fixture(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "safetensors", name);

    [Test]
    public void ReadsTheFixtureWrittenFromPyTorchExactly()
    {
        SafeTensorsFile file = SafeTensors.Read(Fixture("interop.safetensors"));
        using JsonDocument expected = JsonDocument.Parse(File.ReadAllBytes(Fixture("interop.expected.json")));
        JsonElement root = expected.RootElement;

        Assert.That(file.Entries.Select(e => e.Name), Is.EqualTo(root.GetProperty("order").EnumerateArray().Select(e => e.GetString())));
        Assert.That(file.Metadata, Is.EquivalentTo(root.GetProperty("metadata").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetString())));

        int checkedTensors = 0;
        foreach (JsonProperty t in root.GetProperty("tensors").EnumerateObject())
        {
            SafeTensorsEntry entry = file.Entries.Single(e => e.Name == t.Name);
            Assert.That(entry.DType.ToString(), Is.EqualTo(t.Value.GetProperty("dtype").GetString()), t.Name);
            Assert.That(entry.Tensor.Shape.ToArray(), Is.EqualTo(t.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32())), t.Name);
            uint[] bits = t.Value.GetProperty("float32_bits").EnumerateArray().Select(b => b.GetUInt32()).ToArray();
            Assert.That(entry.Tensor.ToArray().Select(BitConverter.SingleToUInt32Bits), Is.EqualTo(bits), t.Name);
            checkedTensors++;
        }
        Assert.That(checkedTensors, Is.EqualTo(5));

        // Spot checks that say what the conversions do.
        Assert.That(file["half"].ToArray(), Does.Contain(65504f).And.Contain(float.PositiveInfinity).And.Contain(MathF.Pow(2, -24)));
        Assert.That(file["double"].ToArray(), Is.EqualTo(new[] { 0.1f, -0f, float.PositiveInfinity, MathF.PI, 16777216f, -2.5f }));
    }

    [Test]
    public void WritingTheFixtureBackAsF32KeepsEveryValue()
    {
        SafeTensorsFile file = SafeTensors.Read(Fixture("interop.safetensors"));
        var ms = new MemoryStream();
        SafeTensors.Write(ms, file.Tensors, file.Metadata);
        ms.Position = 0;
        SafeTensorsFile back = SafeTensors.Read(ms);
        foreach (var (name, t) in file.Tensors)
        {
            Assert.That(back[name].ToArray().Select(BitConverter.SingleToUInt32Bits), Is.EqualTo(t.ToArray().Select(BitConverter.SingleToUInt32Bits)), name);
        }
        Assert.That(back.Entries.Select(e => e.DType), Is.All.EqualTo(SafeTensorsDType.F32));
    }
}

using System.Text.Json;

namespace Regularize.Tests.Training;

/// <summary>Reads Fixtures/training/training_reference.json (written by generate.py beside it).</summary>
internal static class TrainingFixtures
{
    public static JsonElement Root { get; } = JsonDocument.Parse(File.ReadAllText(
        Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "training", "training_reference.json"))).RootElement;

    /// <summary>float32 values stored as little-endian bytes in base64.</summary>
    public static float[] Floats(JsonElement base64)
    {
        byte[] bytes = Convert.FromBase64String(base64.GetString()!);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}

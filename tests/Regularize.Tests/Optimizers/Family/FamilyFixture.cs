using System.Text.Json;

namespace Regularize.Tests.Optimizers.Family;

/// <summary>
/// The committed torch 1.13 trajectories of the optimizer family (Fixtures/optim_family/optim_family_reference.json,
/// written by generate.py beside it): four parameters of lengths 1, 7, 33, 100 in two groups, 50 steps, the
/// gradient g = noise[t] + 0.5·θ in float32, parameters and state at the checkpoint steps.
/// </summary>
internal static class FamilyFixture
{
    private static readonly Lazy<JsonDocument> Document = new(() => JsonDocument.Parse(File.ReadAllText(
        Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "optim_family", "optim_family_reference.json"))));

    /// <summary>The JSON root.</summary>
    public static JsonElement Root => Document.Value.RootElement;

    /// <summary>The initial θ of each parameter.</summary>
    public static float[][] Init => Root.GetProperty("init").EnumerateArray().Select(Decode).ToArray();

    /// <summary>The noise of each parameter, steps × length, row-major.</summary>
    public static float[][] Noise { get; } = Root.GetProperty("noise").EnumerateArray().Select(Decode).ToArray();

    /// <summary>The number of steps of every case.</summary>
    public static int Steps => Root.GetProperty("steps").GetInt32();

    /// <summary>The names of all cases.</summary>
    public static IEnumerable<string> CaseNames() =>
        Root.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!);

    /// <summary>Decodes a base64 float32 little-endian array.</summary>
    public static float[] Decode(JsonElement e)
    {
        var bytes = Convert.FromBase64String(e.GetString()!);
        var f = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, f, 0, bytes.Length);
        return f;
    }

    /// <summary>g = noise[t][i] + 0.5·θ in float32 (t from 0), exactly as the generator computes it.</summary>
    public static float[] Gradient(int parameter, int t, float[] theta)
    {
        var noise = Noise[parameter];
        var g = new float[theta.Length];
        for (int j = 0; j < g.Length; j++) g[j] = noise[t * theta.Length + j] + 0.5f * theta[j];
        return g;
    }

    /// <summary>The case called <paramref name="name"/>.</summary>
    public static FamilyCase Case(string name)
    {
        var c = Root.GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("name").GetString() == name);
        int n = Root.GetProperty("lengths").GetArrayLength();
        var configs = new FamilyConfig[n];
        var groups = new List<(FamilyConfig, int[])>();
        foreach (var g in c.GetProperty("groups").EnumerateArray())
        {
            var config = FamilyConfig.FromFixture(c, g);
            var idx = g.GetProperty("parameters").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            foreach (int i in idx) configs[i] = config;
            groups.Add((config, idx));
        }
        var checkpoints = new Dictionary<int, FamilyCheckpoint>();
        foreach (var cp in c.GetProperty("checkpoints").EnumerateObject())
        {
            var state = cp.Value.GetProperty("state").EnumerateObject()
                .ToDictionary(s => s.Name, s => s.Value.EnumerateArray().Select(Decode).ToArray());
            checkpoints[int.Parse(cp.Name)] = new FamilyCheckpoint(
                cp.Value.GetProperty("step").GetInt64(),
                cp.Value.GetProperty("params").EnumerateArray().Select(Decode).ToArray(),
                state);
        }
        return new FamilyCase(name, c.GetProperty("optimizer").GetString()!, configs, groups, checkpoints);
    }
}

using Regularize.Nn;
using Regularize.Tensors;

namespace Regularize.Tests.Serialization;

/// <summary>The small models the checkpoint tests train, save and load.</summary>
internal static class CheckpointTestModels
{
    /// <summary>
    /// The MLP of Fixtures/checkpoints/make_weights.py: Linear(4,8), BatchNorm1d(8), ReLU, Dropout(0.3), Linear(8,8),
    /// LayerNorm(8), Tanh, Linear(8,3), so its names are PyTorch's: 0.weight ... 1.running_mean ... 7.bias.
    /// </summary>
    public static Sequential Mlp(ulong seed, int outputs = 3) => new(
        new Linear(4, 8, seed: seed), new BatchNorm1d(8), new ReLU(), new Dropout(0.3, seed: seed + 100),
        new Linear(8, 8, seed: seed + 1), new LayerNorm(8), new Tanh(), new Linear(8, outputs, seed: seed + 2));

    /// <summary>The bits of every parameter and buffer, by name.</summary>
    public static Dictionary<string, uint[]> Bits(Module model)
    {
        var bits = new Dictionary<string, uint[]>();
        foreach (var (name, p) in model.NamedParameters()) bits[name] = p.Value.ToArray().Select(BitConverter.SingleToUInt32Bits).ToArray();
        foreach (var (name, b) in model.NamedBuffers()) bits[name] = b.ToArray().Select(BitConverter.SingleToUInt32Bits).ToArray();
        return bits;
    }

    public static uint[] Bits(Tensor t) => t.ToArray().Select(BitConverter.SingleToUInt32Bits).ToArray();

    /// <summary>A folder under the test directory, deleted by the caller.</summary>
    public static string NewFolder(string prefix)
    {
        string dir = Path.Combine(TestContext.CurrentContext.WorkDirectory, prefix + "-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}

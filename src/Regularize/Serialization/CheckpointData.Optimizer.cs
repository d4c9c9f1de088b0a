using System.Text.Json;
using Regularize.Tensors;

namespace Regularize.Serialization;

public sealed partial class CheckpointData
{
    // Filled in when the optimizers land on main.
    private void AddOptimizerTensors(Dictionary<string, Tensor> tensors) { }

    private void WriteOptimizer(Utf8JsonWriter w) => w.WriteNull("optimizer");

    private Dictionary<string, (string Parameter, string Key)> ParseOptimizer(JsonElement e, CheckpointJson j)
    {
        if (!j.IsNull(e)) throw j.Fail("optimizer", "is not null");
        return [];
    }

    private void TakeOptimizerTensors(Dictionary<string, Tensor> tensors) { }

    private void CompareOptimizer(CheckpointData other, List<string> d) { }
}

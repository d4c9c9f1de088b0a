using Regularize.Nn;

namespace Regularize.Onnx.Exporters;

/// <summary>Exports a <see cref="Sequential"/> as its children in order, each through the registry; an empty one is the identity.</summary>
internal sealed class SequentialExporter : ModuleExporter<Sequential>
{
    public override OnnxValue Export(Sequential module, OnnxValue input, OnnxGraph graph)
    {
        var x = input;
        foreach (var layer in module.Children()) x = graph.Export(layer, x);
        return x;
    }
}

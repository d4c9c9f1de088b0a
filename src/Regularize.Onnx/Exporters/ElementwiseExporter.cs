using Regularize.Nn;

namespace Regularize.Onnx.Exporters;

/// <summary>Exports a parameterless elementwise activation (ReLU, Sigmoid, Tanh) as the one ONNX operator that computes it.</summary>
/// <typeparam name="TModule">The activation module.</typeparam>
internal sealed class ElementwiseExporter<TModule> : ModuleExporter<TModule> where TModule : Module
{
    private readonly string _opType;

    /// <param name="opType">The ONNX operator, e.g. <c>Relu</c>.</param>
    public ElementwiseExporter(string opType) => _opType = opType;

    public override OnnxValue Export(TModule module, OnnxValue input, OnnxGraph graph) =>
        input.Renamed(graph.AddNode(_opType, graph.NameOf(module), [input.Name]));
}

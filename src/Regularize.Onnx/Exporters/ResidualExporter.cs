using Regularize.Nn;

namespace Regularize.Onnx.Exporters;

/// <summary>
/// Exports a <see cref="Residual"/>, y = f(x) + g(x): the body and the shortcut (when there is one; otherwise x itself) each
/// through the registry from the same input, then one <c>Add</c>. The two branches must give the same shape.
/// </summary>
internal sealed class ResidualExporter : ModuleExporter<Residual>
{
    public override OnnxValue Export(Residual module, OnnxValue input, OnnxGraph graph)
    {
        var body = graph.Export(module.Body, input);
        var shortcut = module.Shortcut is null ? input : graph.Export(module.Shortcut, input);
        if (!body.Dims.SequenceEqual(shortcut.Dims))
        {
            string what = module.Shortcut is null ? "the identity shortcut" : "the shortcut";
            throw graph.InputError(module, input, $"gives the body an output {body.FormatShape()} but {what} an output {shortcut.FormatShape()}; they must have the same shape");
        }
        return body.Renamed(graph.AddNode("Add", graph.NameOf(module), [body.Name, shortcut.Name]));
    }
}

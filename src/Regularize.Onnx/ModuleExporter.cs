using Regularize.Nn;

namespace Regularize.Onnx;

/// <summary>The base of an exporter for modules of type <typeparamref name="TModule"/>: implement <see cref="Export(TModule, OnnxValue, OnnxGraph)"/>.</summary>
/// <typeparam name="TModule">The module type handled.</typeparam>
public abstract class ModuleExporter<TModule> : IModuleExporter where TModule : Module
{
    /// <inheritdoc/>
    public Type ModuleType => typeof(TModule);

    /// <summary>Adds the nodes of <paramref name="module"/> applied to <paramref name="input"/> to <paramref name="graph"/>.</summary>
    /// <param name="module">The module.</param>
    /// <param name="input">The value the module reads, with its shape.</param>
    /// <param name="graph">The graph being built.</param>
    /// <returns>The value the module produces, with its shape.</returns>
    public abstract OnnxValue Export(TModule module, OnnxValue input, OnnxGraph graph);

    OnnxValue IModuleExporter.Export(Module module, OnnxValue input, OnnxGraph graph)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (module is not TModule typed)
        {
            throw new ArgumentException($"{GetType().Name} exports {typeof(TModule).Name} modules, not {module.GetType().Name}.", nameof(module));
        }
        return Export(typed, input, graph);
    }
}

using Regularize.Nn;
using Regularize.Onnx.Exporters;

namespace Regularize.Onnx;

/// <summary>
/// The exporters by module type. <see cref="CreateDefault"/> holds one for each layer of <c>Regularize.Nn</c> that
/// export supports; <see cref="Register"/> adds one for another type (a layer of your own, or one the defaults lack)
/// or replaces the one for a type.
/// </summary>
/// <remarks>
/// A new layer type is one file: a class deriving from <see cref="ModuleExporter{TModule}"/> in <c>Exporters/</c>,
/// and one line in <see cref="CreateDefault"/>. docs/onnx.md shows how.
/// </remarks>
public sealed class ModuleExporterRegistry
{
    private readonly Dictionary<Type, IModuleExporter> _exporters = [];

    /// <summary>A registry with an exporter for every supported layer of <c>Regularize.Nn</c>: <see cref="Sequential"/>,
    /// <see cref="Linear"/>, <see cref="ReLU"/>, <see cref="Sigmoid"/>, <see cref="Tanh"/>, <see cref="GELU"/>,
    /// <see cref="LayerNorm"/>, <see cref="BatchNorm1d"/>, <see cref="Dropout"/>, <see cref="Flatten"/>,
    /// <see cref="Conv2d"/>, <see cref="MaxPool2d"/>, <see cref="AvgPool2d"/>, <see cref="AdaptiveAvgPool2d"/>,
    /// <see cref="BatchNorm2d"/>, <see cref="Dropout2d"/>, <see cref="Unflatten"/>, <see cref="Residual"/>, <see cref="DropPath"/>
    /// and <see cref="GroupNorm"/>.</summary>
    public static ModuleExporterRegistry CreateDefault() => new ModuleExporterRegistry()
        .Register(new SequentialExporter())
        .Register(new LinearExporter())
        .Register(new ElementwiseExporter<ReLU>("Relu"))
        .Register(new ElementwiseExporter<Sigmoid>("Sigmoid"))
        .Register(new ElementwiseExporter<Tanh>("Tanh"))
        .Register(new GeluExporter())
        .Register(new LayerNormExporter())
        .Register(new BatchNorm1dExporter())
        .Register(new DropoutExporter())
        .Register(new FlattenExporter())
        .Register(new Conv2dExporter())
        .Register(new MaxPool2dExporter())
        .Register(new AvgPool2dExporter())
        .Register(new AdaptiveAvgPool2dExporter())
        .Register(new BatchNorm2dExporter())
        .Register(new Dropout2dExporter())
        .Register(new UnflattenExporter())
        .Register(new ResidualExporter())
        .Register(new DropPathExporter())
        .Register(new GroupNormExporter());

    /// <summary>Registers <paramref name="exporter"/> for its <see cref="IModuleExporter.ModuleType"/>, replacing any exporter registered for that type.</summary>
    /// <param name="exporter">The exporter.</param>
    /// <returns>This registry.</returns>
    /// <exception cref="ArgumentException">The exporter's module type does not derive from <see cref="Module"/>.</exception>
    public ModuleExporterRegistry Register(IModuleExporter exporter)
    {
        ArgumentNullException.ThrowIfNull(exporter);
        var type = exporter.ModuleType ?? throw new ArgumentException($"{exporter.GetType().Name}: ModuleType is null.", nameof(exporter));
        if (!typeof(Module).IsAssignableFrom(type))
        {
            throw new ArgumentException($"{exporter.GetType().Name}: ModuleType {type.FullName} is not a Module.", nameof(exporter));
        }
        _exporters[type] = exporter;
        return this;
    }

    /// <summary>Finds the exporter registered for exactly <paramref name="moduleType"/>.</summary>
    /// <param name="moduleType">The module's type.</param>
    /// <param name="exporter">The exporter, or null when none is registered.</param>
    /// <returns>True when one is registered.</returns>
    public bool TryGet(Type moduleType, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IModuleExporter? exporter)
    {
        ArgumentNullException.ThrowIfNull(moduleType);
        return _exporters.TryGetValue(moduleType, out exporter);
    }

    /// <summary>The module types that have an exporter, sorted by name.</summary>
    public IReadOnlyList<Type> SupportedTypes => _exporters.Keys.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
}

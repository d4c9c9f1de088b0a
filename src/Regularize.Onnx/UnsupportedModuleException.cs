namespace Regularize.Onnx;

/// <summary>
/// Thrown when a module of the exported tree has no exporter (its type is not registered in
/// <see cref="OnnxExportOptions.Exporters"/>) or is in a configuration that ONNX export does not cover. The message
/// names the module's path and type. Nothing is written.
/// </summary>
public sealed class UnsupportedModuleException : NotSupportedException
{
    /// <summary>Creates the exception for the module at <paramref name="modulePath"/> of type <paramref name="moduleType"/>.</summary>
    /// <param name="modulePath">The module's path relative to the exported root; empty for the root.</param>
    /// <param name="moduleType">The module's type.</param>
    /// <param name="message">The full message.</param>
    public UnsupportedModuleException(string modulePath, Type moduleType, string message) : base(message)
    {
        ModulePath = modulePath;
        ModuleType = moduleType;
    }

    /// <summary>The module's path relative to the exported root (e.g. <c>layers.2</c>); empty for the root.</summary>
    public string ModulePath { get; }

    /// <summary>The module's type.</summary>
    public Type ModuleType { get; }
}

using Regularize.Nn;
using Regularize.Tensors;

namespace Regularize.Onnx.Tests;

public class ModuleExporterRegistryTests
{
    /// <summary>A module of the user's own, y = x + Inner(x), to show the extension point.</summary>
    private sealed class SkipAdd : Module
    {
        public SkipAdd(Module inner) => Inner = RegisterModule("inner", inner);

        public Module Inner { get; }

        public override Tensor Forward(Tensor input) => input + Inner.Forward(input);
    }

    /// <summary>Its exporter: the inner module through the registry, then an Add.</summary>
    private sealed class SkipAddExporter : ModuleExporter<SkipAdd>
    {
        public override OnnxValue Export(SkipAdd module, OnnxValue input, OnnxGraph graph)
        {
            var inner = graph.Export(module.Inner, input);
            return input.Renamed(graph.AddNode("Add", graph.NameOf(module), [input.Name, inner.Name]));
        }
    }

    [Test]
    public void UnsupportedModule_ThrowsNamingItsPathAndType()
    {
        var model = new Sequential(new Linear(3, 3), new Sequential(new ReLU(), new SkipAdd(new Tanh())));
        var e = Assert.Throws<UnsupportedModuleException>(() => OnnxExporter.ToBytes(model, new OnnxExportOptions { InputShape = [3] }))!;
        Assert.That(e.ModulePath, Is.EqualTo("1.1"));
        Assert.That(e.ModuleType, Is.EqualTo(typeof(SkipAdd)));
        Assert.That(e.Message, Does.Contain("module '1.1'").And.Contain(typeof(SkipAdd).FullName!)
            .And.Contain("Linear").And.Contain("IModuleExporter"));
    }

    [Test]
    public void UnsupportedRoot_IsNamedAsTheRoot()
    {
        var e = Assert.Throws<UnsupportedModuleException>(() => OnnxExporter.ToBytes(new SkipAdd(new ReLU()), new OnnxExportOptions { InputShape = [3] }))!;
        Assert.That(e.ModulePath, Is.Empty);
        Assert.That(e.Message, Does.Contain("(the root)").And.Contain(nameof(SkipAdd)));
    }

    [Test]
    public void RegisteredExporter_ExportsTheUsersModule_AndMatchesOnnxRuntime()
    {
        var model = new Sequential(new Linear(4, 4, seed: 1), new SkipAdd(new Sequential(new Linear(4, 4, seed: 2), new Tanh())));
        var options = new OnnxExportOptions { InputShape = [4], Exporters = ModuleExporterRegistry.CreateDefault().Register(new SkipAddExporter()) };
        var bytes = OnnxExporter.ToBytes(model, options);
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(bytes);
        var x = Tensor.RandomNormal([3, 4], seed: 5);
        var actual = OnnxParity.Run(session, x, out _);
        var expected = OnnxParity.Forward(model, x).ToArray();
        Assert.That(actual, Is.EqualTo(expected).Within(OnnxParity.Tolerance));
    }

    [Test]
    public void Register_ReplacesTheExporterOfAType_AndDefaultsAreNotShared()
    {
        var registry = ModuleExporterRegistry.CreateDefault();
        Assert.That(registry.SupportedTypes.Select(t => t.Name), Is.EqualTo(new[]
        {
            "AdaptiveAvgPool2d", "AvgPool2d", "BatchNorm1d", "BatchNorm2d", "Conv2d", "DropPath", "Dropout", "Dropout2d", "Flatten", "GELU",
            "GroupNorm", "LayerNorm", "Linear", "MaxPool2d", "ReLU", "Residual", "Sequential", "Sigmoid", "Tanh", "Unflatten",
        }));
        registry.Register(new SkipAddExporter());
        Assert.That(registry.TryGet(typeof(SkipAdd), out _), Is.True);
        Assert.That(new OnnxExportOptions { InputShape = [1] }.Exporters.TryGet(typeof(SkipAdd), out _), Is.False);
        var replacement = new SkipAddExporter();
        registry.Register(replacement);
        Assert.That(registry.TryGet(typeof(SkipAdd), out var found) ? found : null, Is.SameAs(replacement));
    }
}

using System.Globalization;
using System.Text;
using Regularize.Autograd;
using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>
/// A table of a model's modules: each one's name, type, output shape for a given input shape, and parameter count, as
/// Keras's <c>model.summary()</c> or torchinfo show it.
/// </summary>
/// <remarks>
/// <see cref="Of"/> runs one forward pass on zeros in evaluation mode without gradients (the model's mode is put back).
/// Children of a <see cref="Sequential"/> are run one after another, and the body and shortcut of a <see cref="Residual"/>
/// each on the block's input, so each gets its output shape; the children of other modules are listed with their parameter counts but without a shape, since their parent calls them internally.
/// </remarks>
public sealed class ModelSummary
{
    private ModelSummary(Shape input, IReadOnlyList<ModelSummaryRow> rows, long total)
    {
        InputShape = input;
        Rows = rows;
        TotalParameters = total;
    }

    /// <summary>The input shape the summary was made for.</summary>
    public Shape InputShape { get; }

    /// <summary>The modules, depth-first in registration order, the model first.</summary>
    public IReadOnlyList<ModelSummaryRow> Rows { get; }

    /// <summary>The number of trainable scalars of the model.</summary>
    public long TotalParameters { get; }

    /// <summary>Summarises <paramref name="model"/> for an input of shape <paramref name="inputShape"/> (batch axis included).</summary>
    /// <param name="model">The model.</param>
    /// <param name="inputShape">The input's shape, e.g. <c>[1, 784]</c>.</param>
    /// <exception cref="ArgumentException">The model does not accept the shape; the message is the layer's.</exception>
    public static ModelSummary Of(Module model, params int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShape);
        var shape = new Shape(inputShape);
        var shapes = new Dictionary<Module, Shape>(ReferenceEqualityComparer.Instance);
        bool wasTraining = model.IsTraining;
        model.Eval();
        try
        {
            using (GradMode.NoGrad())
            using (TensorScope.Begin())
            {
                Run(model, Tensor.Zeros(shape), shapes);
            }
        }
        finally
        {
            model.Train(wasTraining);
        }
        var rows = new List<ModelSummaryRow>();
        foreach (var (name, module) in model.NamedModules())
        {
            int depth = name.Length == 0 ? 0 : name.Count(c => c == '.') + 1;
            rows.Add(new ModelSummaryRow(name, module.SignatureText, depth, shapes.TryGetValue(module, out var s) ? s : null, module.ParameterCount));
        }
        return new ModelSummary(shape, rows, model.ParameterCount);
    }

    private static Tensor Run(Module module, Tensor input, Dictionary<Module, Shape> shapes)
    {
        Tensor output;
        if (module is Sequential sequential)
        {
            output = input;
            for (int i = 0; i < sequential.Count; i++) output = Run(sequential[i], output, shapes);
        }
        else if (module is Residual residual)
        {
            var body = Run(residual.Body, input, shapes);
            var shortcut = residual.Shortcut is null ? input : Run(residual.Shortcut, input, shapes);
            output = residual.Combine(input, body, shortcut);
        }
        else
        {
            output = module.Forward(input);
        }
        shapes[module] = output.Shape;
        return output;
    }

    /// <summary>The summary as a text table: name, layer, output shape, parameters, then the total.</summary>
    public override string ToString()
    {
        var names = Rows.Select(r => (r.Depth == 0 ? "(model)" : new string(' ', 2 * (r.Depth - 1)) + r.Name)).ToArray();
        var shapes = Rows.Select(r => r.OutputShape?.ToString() ?? "-").ToArray();
        var counts = Rows.Select(r => r.ParameterCount.ToString("N0", CultureInfo.InvariantCulture)).ToArray();
        int w0 = Math.Max(4, names.Max(n => n.Length)), w1 = Math.Max(5, Rows.Max(r => r.Layer.Length));
        int w2 = Math.Max(12, shapes.Max(s => s.Length)), w3 = Math.Max(10, counts.Max(c => c.Length));
        var sb = new StringBuilder();
        sb.Append("name".PadRight(w0)).Append("  ").Append("layer".PadRight(w1)).Append("  ").Append("output shape".PadRight(w2)).Append("  ")
            .Append("parameters".PadLeft(w3)).Append('\n');
        for (int i = 0; i < Rows.Count; i++)
        {
            sb.Append(names[i].PadRight(w0)).Append("  ").Append(Rows[i].Layer.PadRight(w1)).Append("  ").Append(shapes[i].PadRight(w2)).Append("  ")
                .Append(counts[i].PadLeft(w3)).Append('\n');
        }
        sb.Append($"input {InputShape}; {TotalParameters.ToString("N0", CultureInfo.InvariantCulture)} trainable parameters");
        return sb.ToString();
    }
}

using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>
/// A residual connection (He et al., 2016): y = f(x) + g(x), where f is the <see cref="Body"/> and g the
/// <see cref="Shortcut"/>, the identity by default. When the body changes the shape (more channels, a stride), the
/// shortcut must map x to the same shape, typically a projection
/// <c>Sequential(Conv2d(in, out, 1, stride), BatchNorm2d(out))</c>.
/// </summary>
/// <remarks>
/// The children are named <c>body</c> and <c>shortcut</c> (when given), so parameters and buffers are named
/// <c>body.0.weight</c>, <c>shortcut.1.running_mean</c>, …, and mode, names, summaries and checkpoints go through it like
/// any module. The sum does not broadcast: f(x) and g(x) must have the same shape.
/// </remarks>
public sealed class Residual : Module
{
    /// <summary>Creates the block.</summary>
    /// <param name="body">f, the residual branch; it must not already belong to another module.</param>
    /// <param name="shortcut">g, the shortcut branch; null (the default) for the identity.</param>
    /// <exception cref="ArgumentException">A branch is already registered elsewhere, or both are the same module.</exception>
    public Residual(Module body, Module? shortcut = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        Body = RegisterModule("body", body);
        if (shortcut is not null) Shortcut = RegisterModule("shortcut", shortcut);
    }

    /// <summary>f, the residual branch (child <c>body</c>).</summary>
    public Module Body { get; }

    /// <summary>g, the shortcut branch (child <c>shortcut</c>), or null for the identity.</summary>
    public Module? Shortcut { get; }

    /// <inheritdoc/>
    protected override string Signature => Shortcut is null ? "Residual" : "Residual (projection shortcut)";

    /// <summary>Computes f(x) + g(x).</summary>
    /// <param name="input">x, of whatever shape the body and the shortcut accept.</param>
    /// <exception cref="ArgumentException">A branch rejects the input (its own message), or the two branches' outputs differ in shape.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var f = Body.Forward(input);
        var g = Shortcut is null ? input : Shortcut.Forward(input);
        return Combine(input, f, g);
    }

    /// <summary>f + g after checking that the shapes agree; <see cref="ModelSummary"/> calls it with branches it ran itself.</summary>
    internal Tensor Combine(Tensor input, Tensor f, Tensor g)
    {
        if (f.Shape != g.Shape)
        {
            string shortcut = Shortcut is null ? "the identity shortcut" : $"the shortcut {Shortcut.Describe()}";
            throw InputError(input,
                $"gives the body {Body.Describe()} an output {f.Shape} but {shortcut} an output {g.Shape}; they must have the same shape " +
                "(give a shortcut that maps the input to the body's output, e.g. a 1x1 Conv2d with the body's stride and a BatchNorm2d)");
        }
        return f + g;
    }
}

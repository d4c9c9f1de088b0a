using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>
/// Modules applied one after another, as <c>torch.nn.Sequential</c>: the children are named <c>0</c>, <c>1</c>, …
/// in order, so the weight of the second child is <c>1.weight</c> (or <c>layers.1.weight</c> when this module is
/// registered as <c>layers</c>).
/// </summary>
public sealed class Sequential : Module
{
    private readonly List<Module> _layers = [];

    /// <summary>Creates the chain from <paramref name="layers"/>, in order.</summary>
    /// <param name="layers">The modules; none may already belong to another module.</param>
    /// <exception cref="ArgumentException">A layer is null or already registered elsewhere.</exception>
    public Sequential(params Module[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (var layer in layers) Append(layer);
    }

    /// <summary>Appends <paramref name="layer"/> as the next child, named by its index.</summary>
    /// <param name="layer">The module; it must not already belong to another module.</param>
    /// <returns>This sequence.</returns>
    public Sequential Append(Module layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        _layers.Add(RegisterModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer));
        return this;
    }

    /// <summary>The number of layers.</summary>
    public int Count => _layers.Count;

    /// <summary>The layer at <paramref name="index"/>.</summary>
    /// <param name="index">The position, from 0.</param>
    public Module this[int index] => _layers[index];

    /// <inheritdoc/>
    protected override string Signature => $"Sequential ({_layers.Count} layers)";

    /// <summary>Feeds <paramref name="input"/> through every layer in order (the identity when empty).</summary>
    /// <param name="input">The input of the first layer.</param>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var x = input;
        foreach (var layer in _layers) x = layer.Forward(x);
        return x;
    }
}

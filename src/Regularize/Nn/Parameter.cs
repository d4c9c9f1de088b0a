using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>
/// A trainable tensor with a hierarchical name (<c>layers.0.weight</c>). Optimizers read
/// <see cref="Value"/> and <see cref="Grad"/> and update the value in place; groups, decay masks,
/// checkpoints and error messages refer to parameters by <see cref="Name"/>.
/// </summary>
public sealed class Parameter
{
    /// <summary>Wraps <paramref name="value"/> (its storage is shared, not copied) as a parameter named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    public Parameter(Tensor value, string name)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Value = value.IsLeaf ? value : value.Detach(); // a parameter is a leaf of every graph it enters
        Value.RequiresGrad = true;
        Name = name;
    }

    /// <summary>The parameter's hierarchical name; a module sets it when it registers the parameter.</summary>
    public string Name { get; internal set; }

    /// <summary>The current value, updated in place by optimizers.</summary>
    public Tensor Value { get; }

    /// <summary>The shape of <see cref="Value"/>.</summary>
    public Shape Shape => Value.Shape;

    /// <summary>The number of elements.</summary>
    public int Length => Value.Length;

    /// <summary>
    /// The accumulated gradient (the same as <c>Value.Grad</c>), or null when none has been computed since it was
    /// last cleared. It may be set directly (tests and benchmarks of optimizers do); it must have the value's shape.
    /// </summary>
    /// <exception cref="ArgumentException">The gradient's shape differs from the value's.</exception>
    public Tensor? Grad
    {
        get => Value.Grad;
        set
        {
            if (value is not null && value.Shape != Value.Shape)
            {
                throw new ArgumentException(
                    $"Parameter '{Name}': gradient shape {value.Shape} differs from value shape {Value.Shape}.", nameof(value));
            }
            Value.Grad = value;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"Parameter '{Name}' {Shape}";
}

namespace Regularize.Optimizers.Kernels;

/// <summary>A compile-time switch: the JIT folds <see cref="Enabled"/> to a constant per instantiation.</summary>
internal interface ISwitch
{
    static abstract bool Enabled { get; }
}

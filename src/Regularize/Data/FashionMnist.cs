namespace Regularize.Data;

/// <summary>
/// Fashion-MNIST (Zalando Research): 28×28 grey images of clothing in 10 classes, 60,000 for training and
/// 10,000 for testing. The repository ships a subset in <c>data/fashion-mnist/</c>; the loader reads it
/// and the full set alike.
/// </summary>
public static class FashionMnist
{
    /// <summary>The number of classes.</summary>
    public const int ClassCount = 10;

    /// <summary>The class names, indexed by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        Array.AsReadOnly(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]);

    /// <summary>
    /// The mean (0.2860) and standard deviation (0.3530) of the pixels of the full 60,000-image training set
    /// after scaling to [0, 1].
    /// </summary>
    public static PixelNormalization TrainingSetNormalization { get; } = new(0.2860f, 0.3530f);

    /// <summary>Loads one split from a folder holding the four (optionally gzipped) IDX files.</summary>
    /// <param name="folder">The folder holding the files.</param>
    /// <param name="split">Training or test set.</param>
    /// <param name="normalization">An optional normalisation applied after scaling to [0, 1],
    /// for example <see cref="TrainingSetNormalization"/>.</param>
    /// <param name="flatten">True for examples of shape <c>[784]</c>; false for <c>[28, 28]</c>.</param>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A file is corrupt or the files disagree.</exception>
    public static InMemoryDataset Load(string folder, MnistSplit split, PixelNormalization? normalization = null, bool flatten = true)
        => Mnist.Load(folder, split, ClassCount, normalization, flatten);

    /// <summary>Loads both splits.</summary>
    /// <param name="folder">The folder holding the files.</param>
    /// <param name="normalization">An optional normalisation applied to both splits after scaling to [0, 1].</param>
    /// <param name="flatten">True for examples of shape <c>[784]</c>; false for <c>[28, 28]</c>.</param>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A file is corrupt or the files disagree.</exception>
    public static (InMemoryDataset Train, InMemoryDataset Test) LoadBoth(string folder, PixelNormalization? normalization = null, bool flatten = true)
        => (Load(folder, MnistSplit.Train, normalization, flatten), Load(folder, MnistSplit.Test, normalization, flatten));
}

namespace Regularize.Data;

/// <summary>Which half of an MNIST-family dataset to load.</summary>
public enum MnistSplit
{
    /// <summary>The training set: files <c>train-images-idx3-ubyte</c> and <c>train-labels-idx1-ubyte</c>.</summary>
    Train,

    /// <summary>The test set: files <c>t10k-images-idx3-ubyte</c> and <c>t10k-labels-idx1-ubyte</c>.</summary>
    Test,
}

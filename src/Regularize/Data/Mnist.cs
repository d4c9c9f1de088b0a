using Regularize.Tensors;

namespace Regularize.Data;

/// <summary>
/// Loads MNIST-family datasets (MNIST, Fashion-MNIST, and anything else stored as the same four IDX files)
/// from a folder.
/// </summary>
public static class Mnist
{
    /// <summary>
    /// Loads one split from a folder holding <c>{train,t10k}-images-idx3-ubyte</c> and
    /// <c>{train,t10k}-labels-idx1-ubyte</c>, each plain or with a <c>.gz</c> suffix (the plain file
    /// is used when both exist). Pixels are scaled from 0..255 to [0, 1] and then, if asked, normalised.
    /// </summary>
    /// <param name="folder">The folder holding the files.</param>
    /// <param name="split">Training or test set.</param>
    /// <param name="classCount">The number of classes; every label must be below it.</param>
    /// <param name="normalization">An optional normalisation applied after scaling.</param>
    /// <param name="flatten">True for examples of shape <c>[rows·columns]</c> (for MLPs); false for <c>[rows, columns]</c>.</param>
    /// <exception cref="FileNotFoundException">A file is missing in both its plain and gzip form.</exception>
    /// <exception cref="InvalidDataException">A file is corrupt, the images are not rank 3, the labels are not rank 1,
    /// their counts differ, or a label is not below <paramref name="classCount"/>.</exception>
    public static InMemoryDataset Load(string folder, MnistSplit split, int classCount = 10,
        PixelNormalization? normalization = null, bool flatten = true)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        string prefix = split switch
        {
            MnistSplit.Train => "train",
            MnistSplit.Test => "t10k",
            _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Unknown split."),
        };
        string imagePath = Locate(folder, prefix + "-images-idx3-ubyte");
        string labelPath = Locate(folder, prefix + "-labels-idx1-ubyte");
        IdxArray images = IdxReader.Read(imagePath);
        IdxArray labels = IdxReader.Read(labelPath);

        if (images.Shape.Rank != 3)
        {
            throw new InvalidDataException($"{imagePath}: images must have rank 3 (count, rows, columns), but the shape is {images.Shape}.");
        }
        if (labels.Shape.Rank != 1)
        {
            throw new InvalidDataException($"{labelPath}: labels must have rank 1, but the shape is {labels.Shape}.");
        }
        int count = images.Shape[0];
        if (labels.Shape[0] != count)
        {
            throw new InvalidDataException($"{imagePath} holds {count} images but {labelPath} holds {labels.Shape[0]} labels.");
        }

        var y = new int[count];
        for (int i = 0; i < count; i++)
        {
            y[i] = labels.Data[i];
            if (y[i] >= classCount)
            {
                throw new InvalidDataException($"{labelPath}: label {i} is {y[i]}, but there are only {classCount} classes.");
            }
        }

        // One table maps each byte value to its scaled (and normalised) float: same result for every pixel.
        Span<float> table = stackalloc float[256];
        for (int v = 0; v < 256; v++)
        {
            float x = v / 255f;
            table[v] = normalization is { } n ? (x - n.Mean) / n.Std : x;
        }
        byte[] pixels = images.Data;
        var x01 = new float[pixels.Length];
        for (int i = 0; i < pixels.Length; i++) x01[i] = table[pixels[i]];

        int rows = images.Shape[1], columns = images.Shape[2];
        var sampleShape = flatten ? new Shape(rows * columns) : new Shape(rows, columns);
        return new InMemoryDataset(x01, y, sampleShape, classCount);
    }

    private static string Locate(string folder, string baseName)
    {
        string plain = Path.Combine(folder, baseName);
        if (File.Exists(plain)) return plain;
        string gz = plain + ".gz";
        if (File.Exists(gz)) return gz;
        throw new FileNotFoundException($"Neither {plain} nor {gz} exists.", gz);
    }
}

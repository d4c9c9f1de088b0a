using Regularize.Data;
using Regularize.Tensors;

namespace Regularize.Benchmarks.Decomposition;

/// <summary>The Fashion-MNIST training images as a <c>[rows, 784]</c> matrix with pixels in [0, 1] (no normalisation, as the PyTorch side).</summary>
public static class PcaData
{
    /// <summary>The full set from Debian's package when installed, else the shipped subset.</summary>
    public static string DefaultFolder()
    {
        const string debian = "/usr/share/datasets/fashion-mnist";
        if (File.Exists(Path.Combine(debian, "train-images-idx3-ubyte.gz"))) return debian;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "data", "fashion-mnist");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("no Fashion-MNIST folder found; pass --data DIR.");
    }

    /// <summary>The first <paramref name="rows"/> training images (all when null).</summary>
    public static Tensor Load(string folder, int? rows = null)
    {
        var train = FashionMnist.Load(folder, MnistSplit.Train);
        int m = Math.Min(rows ?? train.Count, train.Count), n = train.SampleShape.Length;
        return Tensor.FromArray(train.Features[..(m * n)].ToArray(), m, n);
    }
}

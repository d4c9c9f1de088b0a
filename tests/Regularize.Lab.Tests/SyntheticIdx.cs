using System.Buffers.Binary;
using System.IO.Compression;

namespace Regularize.Lab.Tests;

/// <summary>
/// Writes a tiny MNIST-format folder: images of <c>size × size</c> pixels whose class is a bright bar at a class-dependent
/// position plus noise, so a small MLP learns them in an epoch. Training files are plain, test files gzipped (both forms are read).
/// </summary>
internal static class SyntheticIdx
{
    public static string Write(string folder, int train = 240, int test = 60, int size = 8, int seed = 1)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(seed);
        WriteSplit(folder, "train", train, size, random, gzip: false);
        WriteSplit(folder, "t10k", test, size, random, gzip: true);
        return folder;
    }

    private static void WriteSplit(string folder, string prefix, int count, int size, Random random, bool gzip)
    {
        var labels = new byte[count];
        var pixels = new byte[count * size * size];
        for (int i = 0; i < count; i++)
        {
            int label = i % 10;
            labels[i] = (byte)label;
            for (int p = 0; p < size * size; p++)
            {
                int row = p / size, column = p % size;
                bool bar = label < 5 ? row == label % size : column == (label - 5) % size;
                pixels[i * size * size + p] = (byte)Math.Clamp((bar ? 200 : 30) + random.Next(-30, 31), 0, 255);
            }
        }
        Save(Path.Combine(folder, $"{prefix}-images-idx3-ubyte"), Header(0x08, [count, size, size]), pixels, gzip);
        Save(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte"), Header(0x08, [count]), labels, gzip);
    }

    private static byte[] Header(byte type, int[] dims)
    {
        var header = new byte[4 + 4 * dims.Length];
        header[2] = type;
        header[3] = (byte)dims.Length;
        for (int d = 0; d < dims.Length; d++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * d), dims[d]);
        return header;
    }

    private static void Save(string path, byte[] header, byte[] body, bool gzip)
    {
        if (gzip) path += ".gz";
        using var file = File.Create(path);
        using Stream stream = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        stream.Write(header);
        stream.Write(body);
    }
}

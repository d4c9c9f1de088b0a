using System.Buffers.Binary;
using System.Text;

namespace Regularize.Tests.Serialization;

/// <summary>Builds safetensors files by hand for the reader's tests.</summary>
internal static class SafeTensorsTestFiles
{
    /// <summary>A file with the given JSON header (padded with spaces to a multiple of 8) and data section.</summary>
    public static byte[] Build(string headerJson, byte[] data, ulong? lyingHeaderLength = null)
    {
        byte[] header = Encoding.UTF8.GetBytes(headerJson);
        int padded = (header.Length + 7) / 8 * 8;
        var file = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, lyingHeaderLength ?? (ulong)padded);
        header.CopyTo(file, 8);
        file.AsSpan(8 + header.Length, padded - header.Length).Fill((byte)' ');
        data.CopyTo(file, 8 + padded);
        return file;
    }

    /// <summary>
    /// A valid file with every dtype Regularize reads, a scalar and metadata:
    /// a F32 [3,4] = 0..11, b F16 [5], c BF16 [2,3], d F64 [2], e F32 [] = 42.
    /// </summary>
    public static byte[] Mixed()
    {
        var data = new List<byte>();
        for (int i = 0; i < 12; i++) data.AddRange(BitConverter.GetBytes((float)i));
        foreach (float v in new[] { 1f, -2f, 0.5f, 65504f, 0f }) data.AddRange(BitConverter.GetBytes((Half)v));
        foreach (float v in new[] { 1f, 2f, -3f, 0.25f, 1e30f, -1e-30f })
        {
            data.AddRange(BitConverter.GetBytes((ushort)(BitConverter.SingleToUInt32Bits(v) >> 16)));
        }
        data.AddRange(BitConverter.GetBytes(0.1));
        data.AddRange(BitConverter.GetBytes(-7.0));
        data.AddRange(BitConverter.GetBytes(42f));
        const string header = """
            {"__metadata__":{"format":"pt","epoch":"3"},
             "a":{"dtype":"F32","shape":[3,4],"data_offsets":[0,48]},
             "b":{"dtype":"F16","shape":[5],"data_offsets":[48,58]},
             "c":{"dtype":"BF16","shape":[2,3],"data_offsets":[58,70]},
             "d":{"dtype":"F64","shape":[2],"data_offsets":[70,86]},
             "e":{"dtype":"F32","shape":[],"data_offsets":[86,90]}}
            """;
        return Build(header, data.ToArray());
    }
}

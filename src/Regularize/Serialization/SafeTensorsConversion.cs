using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Regularize.Serialization;

/// <summary>
/// The element types of safetensors: their names and sizes, reading any of them into float32, and writing float32
/// values as any of them.
/// </summary>
/// <remarks>
/// Writing F16 and BF16 rounds to nearest, ties to even, as PyTorch's <c>.half()</c> and <c>.bfloat16()</c> do: a
/// value beyond the type's range becomes ±∞ (F16: |x| ≥ 65520; BF16: beyond about 3.3961e38), one too small becomes
/// a subnormal or ±0, and NaN stays NaN (BF16 writes PyTorch's 0x7FC0). Writing I64 or I32 requires whole numbers in
/// range and never rounds.
/// </remarks>
internal static class SafeTensorsConversion
{
    /// <summary>The type called <paramref name="name"/> in a header, or null when Regularize does not handle it.</summary>
    public static SafeTensorsDType? Parse(string name) => name switch
    {
        "F32" => SafeTensorsDType.F32,
        "F16" => SafeTensorsDType.F16,
        "BF16" => SafeTensorsDType.BF16,
        "F64" => SafeTensorsDType.F64,
        "I64" => SafeTensorsDType.I64,
        "I32" => SafeTensorsDType.I32,
        _ => null,
    };

    /// <summary>Whether <paramref name="name"/> is a dtype of the safetensors specification (handled or not).</summary>
    public static bool IsKnown(string name) => Parse(name) is not null || name is "BOOL" or "U8" or "I8" or "U16" or "I16" or "U32" or "U64"
        or "F8_E4M3" or "F8_E5M2" or "F8_E8M0" or "F4" or "F6_E2M3" or "F6_E3M2" or "C64";

    /// <summary>The name a header uses for <paramref name="dtype"/>.</summary>
    public static string Name(SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.F32 => "F32",
        SafeTensorsDType.F16 => "F16",
        SafeTensorsDType.BF16 => "BF16",
        SafeTensorsDType.F64 => "F64",
        SafeTensorsDType.I64 => "I64",
        SafeTensorsDType.I32 => "I32",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a safetensors element type Regularize handles."),
    };

    public static int ElementSize(SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.F16 or SafeTensorsDType.BF16 => 2,
        SafeTensorsDType.F32 or SafeTensorsDType.I32 => 4,
        _ => 8,
    };

    /// <summary>Converts little-endian elements of <paramref name="dtype"/> to float32 (see <see cref="SafeTensorsDType"/>).</summary>
    public static void Decode(SafeTensorsDType dtype, ReadOnlySpan<byte> bytes, Span<float> destination)
    {
        switch (dtype)
        {
            case SafeTensorsDType.F32:
                if (BitConverter.IsLittleEndian)
                {
                    MemoryMarshal.Cast<byte, float>(bytes).CopyTo(destination);
                }
                else
                {
                    for (int i = 0; i < destination.Length; i++) destination[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                }
                break;
            case SafeTensorsDType.F16:
                for (int i = 0; i < destination.Length; i++) destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]);
                break;
            case SafeTensorsDType.BF16:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16);
                }
                break;
            case SafeTensorsDType.I64:
                for (int i = 0; i < destination.Length; i++) destination[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes[(8 * i)..]);
                break;
            case SafeTensorsDType.I32:
                for (int i = 0; i < destination.Length; i++) destination[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]);
                break;
            default:
                for (int i = 0; i < destination.Length; i++) destination[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
                break;
        }
    }

    /// <summary>
    /// Writes <paramref name="values"/> as little-endian elements of <paramref name="dtype"/>, rounding as the class
    /// remarks state.
    /// </summary>
    /// <param name="dtype">The element type.</param>
    /// <param name="values">The values.</param>
    /// <param name="bytes">The destination, <see cref="ElementSize"/> bytes per value.</param>
    /// <param name="tensor">The tensor's name, for messages.</param>
    /// <param name="firstIndex">The index of <paramref name="values"/>[0] in the tensor, for messages.</param>
    /// <exception cref="ArgumentException">An integer type is asked for a value that is not a whole number in its range.</exception>
    public static void Encode(SafeTensorsDType dtype, ReadOnlySpan<float> values, Span<byte> bytes, string tensor, long firstIndex)
    {
        switch (dtype)
        {
            case SafeTensorsDType.F32:
                if (BitConverter.IsLittleEndian)
                {
                    MemoryMarshal.AsBytes(values).CopyTo(bytes);
                }
                else
                {
                    for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes[(4 * i)..], values[i]);
                }
                break;
            case SafeTensorsDType.F16:
                // .NET's conversion rounds to nearest even and overflows to ±∞, as IEEE 754 and PyTorch do.
                for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteHalfLittleEndian(bytes[(2 * i)..], (Half)values[i]);
                break;
            case SafeTensorsDType.BF16:
                for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes[(2 * i)..], ToBFloat16(values[i]));
                break;
            case SafeTensorsDType.F64:
                for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(bytes[(8 * i)..], values[i]);
                break;
            case SafeTensorsDType.I64:
                for (int i = 0; i < values.Length; i++)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(bytes[(8 * i)..], (long)Whole(values[i], -9223372036854775808f, 9223372036854775808f, dtype, tensor, firstIndex + i));
                }
                break;
            case SafeTensorsDType.I32:
                for (int i = 0; i < values.Length; i++)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(bytes[(4 * i)..], (int)Whole(values[i], -2147483648f, 2147483648f, dtype, tensor, firstIndex + i));
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a safetensors element type Regularize writes.");
        }
    }

    /// <summary>
    /// The bfloat16 nearest to <paramref name="x"/>, ties to even: add 0x7FFF plus the lowest kept bit, then drop the
    /// low 16 bits (a carry out of the mantissa moves to the next binade or to ∞). NaN becomes 0x7FC0.
    /// </summary>
    public static ushort ToBFloat16(float x)
    {
        if (float.IsNaN(x)) return 0x7FC0;
        uint bits = BitConverter.SingleToUInt32Bits(x);
        return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
    }

    private static float Whole(float v, float min, float maxExclusive, SafeTensorsDType dtype, string tensor, long index)
    {
        if (!float.IsInteger(v) || v < min || v >= maxExclusive)
        {
            throw new ArgumentException(
                $"Tensor '{tensor}' element {index} is {v:R}, which {Name(dtype)} cannot hold exactly (it needs a whole number in [{min:R}, {maxExclusive:R})).");
        }
        return v;
    }
}

namespace Regularize.Serialization;

/// <summary>The element types Regularize reads from safetensors files; all are converted to float32.</summary>
public enum SafeTensorsDType
{
    /// <summary><c>"F32"</c>: IEEE binary32, read bit for bit.</summary>
    F32,

    /// <summary><c>"F16"</c>: IEEE binary16, converted exactly.</summary>
    F16,

    /// <summary><c>"BF16"</c>: bfloat16 (the top half of a binary32), converted exactly.</summary>
    BF16,

    /// <summary><c>"F64"</c>: IEEE binary64, rounded to the nearest float32 (beyond its range: ±∞).</summary>
    F64,

    /// <summary><c>"I64"</c>: signed 64-bit integer (e.g. PyTorch's <c>num_batches_tracked</c>), rounded to the nearest float32: exact up to 2²⁴.</summary>
    I64,

    /// <summary><c>"I32"</c>: signed 32-bit integer, rounded to the nearest float32: exact up to 2²⁴.</summary>
    I32,
}

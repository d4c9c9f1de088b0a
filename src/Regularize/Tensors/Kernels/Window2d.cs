namespace Regularize.Tensors.Kernels;

/// <summary>
/// The geometry of a 2-D sliding window over NCHW input: N images of C planes H×W, a KH×KW window moved by the
/// strides, the input padded by PadH rows above and PadW columns on the left (and implicitly below and right, as far
/// as the output size needs), with dilation between the taps, giving OH×OW outputs per plane. Output (oh, ow) and
/// tap (kh, kw) read input row ih = oh·StrideH − PadH + kh·DilationH and column iw = ow·StrideW − PadW + kw·DilationW;
/// taps outside the input read zero (convolution) or are skipped (pooling).
/// </summary>
internal readonly record struct Window2d(int N, int C, int H, int W, int KH, int KW,
    int StrideH, int StrideW, int PadH, int PadW, int DilationH, int DilationW, int OH, int OW)
{
    /// <summary>Elements of one input plane.</summary>
    public int HW => H * W;

    /// <summary>Elements of one output plane.</summary>
    public int OHW => OH * OW;

    /// <summary>Taps of the window.</summary>
    public int Taps => KH * KW;

    /// <summary>
    /// The output size along one axis, as PyTorch computes it with floor rounding:
    /// ⌊(size + 2·pad − dilation·(kernel − 1) − 1) / stride⌋ + 1.
    /// </summary>
    public static int OutputSize(int size, int kernel, int stride, int padBefore, int padAfter, int dilation) =>
        (size + padBefore + padAfter - dilation * (kernel - 1) - 1) / stride + 1;
}

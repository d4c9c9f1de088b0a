using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>
/// A 2-D convolution layer over NCHW batches, as <c>torch.nn.Conv2d</c>: y = conv(x, W) + b (see
/// <see cref="Tensor.Conv2d(Tensor, Tensor, Tensor?, Size2d?, Size2d?, Size2d?, int)"/> for the formula), with weight
/// <c>weight</c> of shape <c>[out, in/groups, KH, KW]</c> and bias <c>bias</c> of shape <c>[out]</c>.
/// </summary>
/// <remarks>
/// Initialised as PyTorch does: the weight by Kaiming uniform with negative slope √5, which is U(−1/√fan_in, 1/√fan_in)
/// with fan_in = (in/groups)·KH·KW, and the bias from the same U(−1/√fan_in, 1/√fan_in). Both are drawn from one
/// <see cref="Rng"/> seeded with the constructor's seed, weight first, as in <see cref="Linear"/>; give the layers of a
/// network different seeds. The names and shapes match PyTorch's, so safetensors files move between the two.
/// </remarks>
public sealed class Conv2d : Module
{
    private readonly string? _paddingMode;

    /// <summary>Creates the layer with numeric padding and initialises it from <paramref name="seed"/>.</summary>
    /// <param name="inChannels">C, the input channels; positive and divisible by <paramref name="groups"/>.</param>
    /// <param name="outChannels">O, the output channels; positive and divisible by <paramref name="groups"/>.</param>
    /// <param name="kernelSize">(KH, KW), at least 1.</param>
    /// <param name="stride">(sh, sw), at least 1; default 1.</param>
    /// <param name="padding">(ph, pw) zeros on each side; default 0.</param>
    /// <param name="dilation">(dh, dw), at least 1; default 1.</param>
    /// <param name="groups">G, the number of channel groups (G = C is depthwise).</param>
    /// <param name="bias">Whether to add a learned bias.</param>
    /// <param name="seed">The seed of the initialisation; null (the default) to draw one from <see cref="DefaultGenerator"/>,
    /// so that two layers of the same shape start with different weights.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or count outside its range.</exception>
    /// <exception cref="ArgumentException">The groups do not divide the channels.</exception>
    public Conv2d(int inChannels, int outChannels, Size2d kernelSize, Size2d? stride = null, Size2d? padding = null,
        Size2d? dilation = null, int groups = 1, bool bias = true, ulong? seed = null)
        : this(inChannels, outChannels, kernelSize, stride ?? 1, padding ?? 0, null, dilation ?? 1, groups, bias, seed)
    {
    }

    /// <summary>Creates the layer with padding <c>"same"</c> or <c>"valid"</c> (see <see cref="Tensor.Conv2d(Tensor, Tensor, Tensor?, string, Size2d?, Size2d?, int)"/>) and initialises it from <paramref name="seed"/>.</summary>
    /// <param name="inChannels">C, the input channels; positive and divisible by <paramref name="groups"/>.</param>
    /// <param name="outChannels">O, the output channels; positive and divisible by <paramref name="groups"/>.</param>
    /// <param name="kernelSize">(KH, KW), at least 1.</param>
    /// <param name="padding"><c>"same"</c> (output as large as the input; stride 1) or <c>"valid"</c> (no padding).</param>
    /// <param name="stride">(sh, sw), at least 1; 1 with <c>"same"</c>.</param>
    /// <param name="dilation">(dh, dw), at least 1; default 1.</param>
    /// <param name="groups">G, the number of channel groups.</param>
    /// <param name="bias">Whether to add a learned bias.</param>
    /// <param name="seed">The seed of the initialisation; null (the default) to draw one from <see cref="DefaultGenerator"/>,
    /// so that two layers of the same shape start with different weights.</param>
    /// <exception cref="ArgumentException">An unknown padding name, <c>"same"</c> with a stride above 1, or groups that do not divide the channels.</exception>
    public Conv2d(int inChannels, int outChannels, Size2d kernelSize, string padding, Size2d? stride = null,
        Size2d? dilation = null, int groups = 1, bool bias = true, ulong? seed = null)
        : this(inChannels, outChannels, kernelSize, stride ?? 1, 0, CheckMode(padding, stride ?? 1), dilation ?? 1, groups, bias, seed)
    {
    }

    private Conv2d(int inChannels, int outChannels, Size2d kernelSize, Size2d stride, Size2d padding, string? paddingMode,
        Size2d dilation, int groups, bool bias, ulong? seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(groups);
        CheckSize(kernelSize, 1, nameof(kernelSize));
        CheckSize(stride, 1, nameof(stride));
        CheckSize(padding, 0, nameof(padding));
        CheckSize(dilation, 1, nameof(dilation));
        if (inChannels % groups != 0 || outChannels % groups != 0)
        {
            throw new ArgumentException($"Conv2d: groups = {groups} must divide inChannels = {inChannels} and outChannels = {outChannels}.", nameof(groups));
        }
        (InChannels, OutChannels, KernelSize, Stride, Padding, _paddingMode, Dilation, Groups) =
            (inChannels, outChannels, kernelSize, stride, padding, paddingMode, dilation, groups);
        var rng = new Rng(DefaultGenerator.Resolve(seed));
        Weight = RegisterParameter("weight", new Parameter(Tensor.Zeros(outChannels, inChannels / groups, kernelSize.Height, kernelSize.Width), "weight"));
        Init.KaimingUniform(Weight, rng, negativeSlope: Math.Sqrt(5.0));
        if (bias)
        {
            Bias = RegisterParameter("bias", new Parameter(Tensor.Zeros(outChannels), "bias"));
            double bound = 1.0 / Math.Sqrt(Init.Fans(Weight.Shape).FanIn);
            Init.Uniform(Bias, rng, -bound, bound);
        }
    }

    private static string CheckMode(string padding, Size2d stride)
    {
        ArgumentNullException.ThrowIfNull(padding);
        if (padding != "same" && padding != "valid")
        {
            throw new ArgumentException($"Conv2d: padding \"{padding}\" is not \"same\" or \"valid\".", nameof(padding));
        }
        if (padding == "same" && stride != 1)
        {
            throw new ArgumentException($"Conv2d: padding \"same\" needs stride 1, but the stride is {stride}.", nameof(stride));
        }
        return padding;
    }

    private static void CheckSize(Size2d size, int min, string name)
    {
        if (size.Height < min || size.Width < min)
        {
            throw new ArgumentOutOfRangeException(name, size, $"Conv2d: {name} must be at least {min}, was {size}.");
        }
    }

    /// <summary>C, the input channels.</summary>
    public int InChannels { get; }

    /// <summary>O, the output channels.</summary>
    public int OutChannels { get; }

    /// <summary>(KH, KW).</summary>
    public Size2d KernelSize { get; }

    /// <summary>(sh, sw).</summary>
    public Size2d Stride { get; }

    /// <summary>(ph, pw), the numeric padding (0 when the padding is given by name).</summary>
    public Size2d Padding { get; }

    /// <summary>(dh, dw).</summary>
    public Size2d Dilation { get; }

    /// <summary>G, the number of channel groups.</summary>
    public int Groups { get; }

    /// <summary>The weight W, shape <c>[OutChannels, InChannels/Groups, KH, KW]</c>.</summary>
    public Parameter Weight { get; }

    /// <summary>The bias b, shape <c>[OutChannels]</c>, or null when built without one.</summary>
    public Parameter? Bias { get; }

    /// <summary>The padding given by name, <c>"same"</c> or <c>"valid"</c>, or <c>null</c> when it was given as a size
    /// (then <see cref="Padding"/> holds it; with a name, <see cref="Padding"/> is 0).</summary>
    public string? PaddingMode => _paddingMode;

    /// <inheritdoc/>
    protected override string Signature =>
        $"Conv2d {InChannels}->{OutChannels}, kernel {KernelSize}" +
        (Stride != 1 ? $", stride {Stride}" : "") +
        (_paddingMode is not null ? $", padding {_paddingMode}" : Padding != 0 ? $", padding {Padding}" : "") +
        (Dilation != 1 ? $", dilation {Dilation}" : "") + (Groups != 1 ? $", groups {Groups}" : "") + (Bias is null ? ", no bias" : "");

    /// <summary>Convolves a batch <c>[N, InChannels, H, W]</c> into <c>[N, OutChannels, OH, OW]</c>.</summary>
    /// <param name="input">A batch of images.</param>
    /// <exception cref="ArgumentException">The input is not 4-D with <see cref="InChannels"/> channels, or is smaller than the kernel.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 4) throw InputError(input, $"has rank {input.Rank}, expected [N,{InChannels},H,W]");
        if (input.Shape[1] != InChannels) throw InputError(input, $"has {input.Shape[1]} channels, expected {InChannels}");
        return _paddingMode is null
            ? Tensor.Conv2d(input, Weight.Value, Bias?.Value, Stride, Padding, Dilation, Groups)
            : Tensor.Conv2d(input, Weight.Value, Bias?.Value, _paddingMode, Stride, Dilation, Groups);
    }
}

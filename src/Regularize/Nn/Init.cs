using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>
/// Initialisers that overwrite a tensor (or a parameter's value) in place, with the formulas of
/// <c>torch.nn.init</c>. Random ones draw from the <see cref="Rng"/> they are given, so a seed fixes the result
/// bit for bit; one generator can be passed to several initialisers in turn.
/// </summary>
/// <remarks>
/// <para>Fans follow PyTorch: for a tensor of shape <c>[d0, d1, d2, ...]</c> (a linear weight is <c>[out, in]</c>),
/// with receptive field r = d2·d3·…, fan_in = d1·r and fan_out = d0·r. Tensors of rank below 2 have no fans.</para>
/// <list type="table">
/// <listheader><term>initialiser</term><description>distribution</description></listheader>
/// <item><term><see cref="KaimingUniform(Tensor, Rng, double, FanMode, Nonlinearity)"/></term><description>U(−b, b), b = gain·√(3 / fan)</description></item>
/// <item><term><see cref="KaimingNormal(Tensor, Rng, double, FanMode, Nonlinearity)"/></term><description>N(0, σ²), σ = gain / √fan</description></item>
/// <item><term><see cref="XavierUniform(Tensor, Rng, double)"/></term><description>U(−b, b), b = gain·√(6 / (fan_in + fan_out))</description></item>
/// <item><term><see cref="XavierNormal(Tensor, Rng, double)"/></term><description>N(0, σ²), σ = gain·√(2 / (fan_in + fan_out))</description></item>
/// </list>
/// </remarks>
public static class Init
{
    /// <summary>
    /// The recommended gain for a nonlinearity, as <c>torch.nn.init.calculate_gain</c>: 1 for
    /// <see cref="Nonlinearity.Linear"/> and <see cref="Nonlinearity.Sigmoid"/>, 5/3 for <see cref="Nonlinearity.Tanh"/>,
    /// √2 for <see cref="Nonlinearity.Relu"/>, √(2 / (1 + a²)) for <see cref="Nonlinearity.LeakyRelu"/> with negative
    /// slope a, 3/4 for <see cref="Nonlinearity.Selu"/>.
    /// </summary>
    /// <param name="nonlinearity">The nonlinearity.</param>
    /// <param name="negativeSlope">The negative slope a of a leaky ReLU (PyTorch's default 0.01); ignored otherwise.</param>
    /// <exception cref="ArgumentOutOfRangeException">The slope is not finite, or the nonlinearity is unknown.</exception>
    public static double CalculateGain(Nonlinearity nonlinearity, double negativeSlope = 0.01)
    {
        if (!double.IsFinite(negativeSlope))
        {
            throw new ArgumentOutOfRangeException(nameof(negativeSlope), negativeSlope, $"negativeSlope must be finite, was {negativeSlope}.");
        }
        return nonlinearity switch
        {
            Nonlinearity.Linear or Nonlinearity.Sigmoid => 1.0,
            Nonlinearity.Tanh => 5.0 / 3.0,
            Nonlinearity.Relu => Math.Sqrt(2.0),
            Nonlinearity.LeakyRelu => Math.Sqrt(2.0 / (1.0 + negativeSlope * negativeSlope)),
            Nonlinearity.Selu => 0.75,
            _ => throw new ArgumentOutOfRangeException(nameof(nonlinearity), nonlinearity, "Unknown nonlinearity."),
        };
    }

    /// <summary>The fans of a weight of the given shape, as PyTorch computes them: for <c>[out, in, k...]</c>, fan_in = in·∏k and fan_out = out·∏k.</summary>
    /// <param name="shape">The weight's shape; rank 2 or more.</param>
    /// <exception cref="ArgumentException">The shape has fewer than two dimensions.</exception>
    public static (int FanIn, int FanOut) Fans(Shape shape)
    {
        if (shape.Rank < 2)
        {
            throw new ArgumentException($"Fans cannot be computed for shape {shape}: it needs at least 2 dimensions ([out, in, ...]).", nameof(shape));
        }
        long receptive = 1;
        for (int i = 2; i < shape.Rank; i++) receptive *= shape[i];
        return ((int)(shape[1] * receptive), (int)(shape[0] * receptive));
    }

    /// <summary>
    /// Kaiming (He) uniform initialisation, as <c>torch.nn.init.kaiming_uniform_</c>: samples U(−b, b) with
    /// b = gain·√(3 / fan), gain = <see cref="CalculateGain"/>(<paramref name="nonlinearity"/>, <paramref name="negativeSlope"/>).
    /// <c>Linear</c>'s default (PyTorch's) is negativeSlope = √5, giving b = 1/√fan_in.
    /// </summary>
    /// <param name="tensor">The tensor to overwrite; rank 2 or more.</param>
    /// <param name="rng">The generator to draw from.</param>
    /// <param name="negativeSlope">The negative slope a of the leaky ReLU that follows (only used with <see cref="Nonlinearity.LeakyRelu"/>).</param>
    /// <param name="mode">Whether to scale by fan_in (the default) or fan_out.</param>
    /// <param name="nonlinearity">The nonlinearity that follows.</param>
    /// <exception cref="ArgumentException">The tensor has rank below 2.</exception>
    public static void KaimingUniform(Tensor tensor, Rng rng, double negativeSlope = 0, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyRelu)
    {
        double std = KaimingStd(tensor, negativeSlope, mode, nonlinearity);
        Uniform(tensor, rng, -Math.Sqrt(3.0) * std, Math.Sqrt(3.0) * std);
    }

    /// <inheritdoc cref="KaimingUniform(Tensor, Rng, double, FanMode, Nonlinearity)"/>
    /// <param name="parameter">The parameter whose value is overwritten.</param>
    /// <param name="rng">The generator to draw from.</param>
    /// <param name="negativeSlope">The negative slope a of the leaky ReLU that follows (only used with <see cref="Nonlinearity.LeakyRelu"/>).</param>
    /// <param name="mode">Whether to scale by fan_in (the default) or fan_out.</param>
    /// <param name="nonlinearity">The nonlinearity that follows.</param>
    public static void KaimingUniform(Parameter parameter, Rng rng, double negativeSlope = 0, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyRelu) =>
        KaimingUniform(ValueOf(parameter), rng, negativeSlope, mode, nonlinearity);

    /// <summary>
    /// Kaiming (He) normal initialisation, as <c>torch.nn.init.kaiming_normal_</c>: samples N(0, σ²) with
    /// σ = gain / √fan, gain = <see cref="CalculateGain"/>(<paramref name="nonlinearity"/>, <paramref name="negativeSlope"/>).
    /// </summary>
    /// <param name="tensor">The tensor to overwrite; rank 2 or more.</param>
    /// <param name="rng">The generator to draw from.</param>
    /// <param name="negativeSlope">The negative slope a of the leaky ReLU that follows (only used with <see cref="Nonlinearity.LeakyRelu"/>).</param>
    /// <param name="mode">Whether to scale by fan_in (the default) or fan_out.</param>
    /// <param name="nonlinearity">The nonlinearity that follows.</param>
    /// <exception cref="ArgumentException">The tensor has rank below 2.</exception>
    public static void KaimingNormal(Tensor tensor, Rng rng, double negativeSlope = 0, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyRelu) =>
        Normal(tensor, rng, 0, KaimingStd(tensor, negativeSlope, mode, nonlinearity));

    /// <inheritdoc cref="KaimingNormal(Tensor, Rng, double, FanMode, Nonlinearity)"/>
    /// <param name="parameter">The parameter whose value is overwritten.</param>
    /// <param name="rng">The generator to draw from.</param>
    /// <param name="negativeSlope">The negative slope a of the leaky ReLU that follows (only used with <see cref="Nonlinearity.LeakyRelu"/>).</param>
    /// <param name="mode">Whether to scale by fan_in (the default) or fan_out.</param>
    /// <param name="nonlinearity">The nonlinearity that follows.</param>
    public static void KaimingNormal(Parameter parameter, Rng rng, double negativeSlope = 0, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyRelu) =>
        KaimingNormal(ValueOf(parameter), rng, negativeSlope, mode, nonlinearity);

    /// <summary>
    /// Xavier (Glorot) uniform initialisation, as <c>torch.nn.init.xavier_uniform_</c>: samples U(−b, b) with
    /// b = gain·√(6 / (fan_in + fan_out)).
    /// </summary>
    /// <param name="tensor">The tensor to overwrite; rank 2 or more.</param>
    /// <param name="rng">The generator to draw from.</param>
    /// <param name="gain">The scale factor (see <see cref="CalculateGain"/>); positive.</param>
    /// <exception cref="ArgumentException">The tensor has rank below 2, or the gain is not positive and finite.</exception>
    public static void XavierUniform(Tensor tensor, Rng rng, double gain = 1.0)
    {
        double std = XavierStd(tensor, gain);
        Uniform(tensor, rng, -Math.Sqrt(3.0) * std, Math.Sqrt(3.0) * std);
    }

    /// <inheritdoc cref="XavierUniform(Tensor, Rng, double)"/>
    /// <param name="parameter">The parameter whose value is overwritten.</param>
    /// <param name="rng">The generator to draw from.</param>
    /// <param name="gain">The scale factor (see <see cref="CalculateGain"/>); positive.</param>
    public static void XavierUniform(Parameter parameter, Rng rng, double gain = 1.0) => XavierUniform(ValueOf(parameter), rng, gain);

    /// <summary>
    /// Xavier (Glorot) normal initialisation, as <c>torch.nn.init.xavier_normal_</c>: samples N(0, σ²) with
    /// σ = gain·√(2 / (fan_in + fan_out)).
    /// </summary>
    /// <param name="tensor">The tensor to overwrite; rank 2 or more.</param>
    /// <param name="rng">The generator to draw from.</param>
    /// <param name="gain">The scale factor (see <see cref="CalculateGain"/>); positive.</param>
    /// <exception cref="ArgumentException">The tensor has rank below 2, or the gain is not positive and finite.</exception>
    public static void XavierNormal(Tensor tensor, Rng rng, double gain = 1.0) => Normal(tensor, rng, 0, XavierStd(tensor, gain));

    /// <inheritdoc cref="XavierNormal(Tensor, Rng, double)"/>
    /// <param name="parameter">The parameter whose value is overwritten.</param>
    /// <param name="rng">The generator to draw from.</param>
    /// <param name="gain">The scale factor (see <see cref="CalculateGain"/>); positive.</param>
    public static void XavierNormal(Parameter parameter, Rng rng, double gain = 1.0) => XavierNormal(ValueOf(parameter), rng, gain);

    /// <summary>Fills <paramref name="tensor"/> with samples uniform on [<paramref name="low"/>, <paramref name="high"/>), as <c>torch.nn.init.uniform_</c>.</summary>
    /// <param name="tensor">The tensor to overwrite.</param>
    /// <param name="rng">The generator to draw from.</param>
    /// <param name="low">The lower bound.</param>
    /// <param name="high">The upper bound; not below <paramref name="low"/>.</param>
    /// <exception cref="ArgumentException">A bound is not finite, or low exceeds high.</exception>
    public static void Uniform(Tensor tensor, Rng rng, double low, double high)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(rng);
        if (!double.IsFinite(low) || !double.IsFinite(high) || low > high)
        {
            throw new ArgumentException($"Uniform initialisation needs finite bounds with low <= high, got [{low}, {high}).");
        }
        rng.FillUniform(tensor.Span, (float)low, (float)high);
    }

    /// <inheritdoc cref="Uniform(Tensor, Rng, double, double)"/>
    /// <param name="parameter">The parameter whose value is overwritten.</param>
    /// <param name="rng">The generator to draw from.</param>
    /// <param name="low">The lower bound.</param>
    /// <param name="high">The upper bound; not below <paramref name="low"/>.</param>
    public static void Uniform(Parameter parameter, Rng rng, double low, double high) => Uniform(ValueOf(parameter), rng, low, high);

    /// <summary>Fills <paramref name="tensor"/> with samples from N(<paramref name="mean"/>, <paramref name="std"/>²), as <c>torch.nn.init.normal_</c>.</summary>
    /// <param name="tensor">The tensor to overwrite.</param>
    /// <param name="rng">The generator to draw from.</param>
    /// <param name="mean">The mean.</param>
    /// <param name="std">The standard deviation; not negative.</param>
    /// <exception cref="ArgumentException">The mean or std is not finite, or std is negative.</exception>
    public static void Normal(Tensor tensor, Rng rng, double mean, double std)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(rng);
        if (!double.IsFinite(mean) || !double.IsFinite(std) || std < 0)
        {
            throw new ArgumentException($"Normal initialisation needs a finite mean and a finite std >= 0, got mean {mean}, std {std}.");
        }
        rng.FillNormal(tensor.Span, (float)mean, (float)std);
    }

    /// <inheritdoc cref="Normal(Tensor, Rng, double, double)"/>
    /// <param name="parameter">The parameter whose value is overwritten.</param>
    /// <param name="rng">The generator to draw from.</param>
    /// <param name="mean">The mean.</param>
    /// <param name="std">The standard deviation; not negative.</param>
    public static void Normal(Parameter parameter, Rng rng, double mean, double std) => Normal(ValueOf(parameter), rng, mean, std);

    /// <summary>Sets every element of <paramref name="tensor"/> to <paramref name="value"/>, as <c>torch.nn.init.constant_</c>.</summary>
    /// <param name="tensor">The tensor to overwrite.</param>
    /// <param name="value">The value.</param>
    public static void Constant(Tensor tensor, float value)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        tensor.Span.Fill(value);
    }

    /// <inheritdoc cref="Constant(Tensor, float)"/>
    /// <param name="parameter">The parameter whose value is overwritten.</param>
    /// <param name="value">The value.</param>
    public static void Constant(Parameter parameter, float value) => Constant(ValueOf(parameter), value);

    /// <summary>Sets every element of <paramref name="tensor"/> to 0, as <c>torch.nn.init.zeros_</c>.</summary>
    /// <param name="tensor">The tensor to overwrite.</param>
    public static void Zeros(Tensor tensor) => Constant(tensor, 0f);

    /// <inheritdoc cref="Zeros(Tensor)"/>
    /// <param name="parameter">The parameter whose value is overwritten.</param>
    public static void Zeros(Parameter parameter) => Zeros(ValueOf(parameter));

    /// <summary>Sets every element of <paramref name="tensor"/> to 1, as <c>torch.nn.init.ones_</c>.</summary>
    /// <param name="tensor">The tensor to overwrite.</param>
    public static void Ones(Tensor tensor) => Constant(tensor, 1f);

    /// <inheritdoc cref="Ones(Tensor)"/>
    /// <param name="parameter">The parameter whose value is overwritten.</param>
    public static void Ones(Parameter parameter) => Ones(ValueOf(parameter));

    private static Tensor ValueOf(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return parameter.Value;
    }

    private static double KaimingStd(Tensor tensor, double negativeSlope, FanMode mode, Nonlinearity nonlinearity)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var (fanIn, fanOut) = Fans(tensor.Shape);
        int fan = mode switch
        {
            FanMode.FanIn => fanIn,
            FanMode.FanOut => fanOut,
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown fan mode."),
        };
        return CalculateGain(nonlinearity, negativeSlope) / Math.Sqrt(fan);
    }

    private static double XavierStd(Tensor tensor, double gain)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!double.IsFinite(gain) || gain <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(gain), gain, $"gain must be positive and finite, was {gain}.");
        }
        var (fanIn, fanOut) = Fans(tensor.Shape);
        return gain * Math.Sqrt(2.0 / (fanIn + fanOut));
    }
}

using Regularize.Nn;
using Regularize.Tensors;

namespace Regularize.Tests.Nn;

/// <summary>
/// Initialisers against their formulas on large tensors (n = 512·1024 ≈ 5e5 samples): the sample standard
/// deviation of n draws has a relative standard error of about 1/√(2n) ≈ 1e-3 (normal) or less (uniform), so
/// a 1% tolerance is about ten standard errors, and a wrong fan or gain (off by 10% or more) fails.
/// </summary>
public class InitTests
{
    private static (double Mean, double Std, double Min, double Max) Stats(Tensor t)
    {
        var v = t.ToArray();
        double mean = v.Average(x => (double)x);
        double std = Math.Sqrt(v.Average(x => (x - mean) * (x - mean)));
        return (mean, std, v.Min(), v.Max());
    }

    private static void AssertStats(Tensor t, double expectedStd, double? bound)
    {
        var s = Stats(t);
        Assert.That(s.Mean, Is.EqualTo(0).Within(0.01 * expectedStd), "mean");
        Assert.That(s.Std, Is.EqualTo(expectedStd).Within(0.01 * expectedStd), "std");
        if (bound is double b)
        {
            // The bounds are rounded to float32 before sampling.
            Assert.That(s.Min, Is.GreaterThanOrEqualTo(-(float)b));
            Assert.That(s.Max, Is.LessThan((float)b));
            Assert.That(s.Max, Is.GreaterThan(0.999 * b), "the range is used up to the bound");
        }
    }

    [Test]
    public void Gains_are_those_of_torch_calculate_gain()
    {
        Assert.That(Init.CalculateGain(Nonlinearity.Linear), Is.EqualTo(1.0));
        Assert.That(Init.CalculateGain(Nonlinearity.Sigmoid), Is.EqualTo(1.0));
        Assert.That(Init.CalculateGain(Nonlinearity.Tanh), Is.EqualTo(5.0 / 3));
        Assert.That(Init.CalculateGain(Nonlinearity.Relu), Is.EqualTo(Math.Sqrt(2)));
        Assert.That(Init.CalculateGain(Nonlinearity.LeakyRelu), Is.EqualTo(Math.Sqrt(2 / (1 + 0.01 * 0.01))));
        Assert.That(Init.CalculateGain(Nonlinearity.LeakyRelu, Math.Sqrt(5)), Is.EqualTo(Math.Sqrt(1.0 / 3)).Within(1e-15));
        Assert.That(Init.CalculateGain(Nonlinearity.Selu), Is.EqualTo(0.75));
    }

    [Test]
    public void Fans_are_computed_like_PyTorch()
    {
        Assert.That(Init.Fans(new Shape(256, 784)), Is.EqualTo((784, 256)));
        Assert.That(Init.Fans(new Shape(16, 3, 5, 5)), Is.EqualTo((75, 400)));
        var ex = Assert.Throws<ArgumentException>(() => Init.Fans(new Shape(10)));
        Assert.That(ex!.Message, Does.Contain("[10]"));
    }

    [TestCase(FanMode.FanIn, Nonlinearity.Relu, 0.0)]
    [TestCase(FanMode.FanOut, Nonlinearity.Relu, 0.0)]
    [TestCase(FanMode.FanIn, Nonlinearity.LeakyRelu, 2.2360679774997898)]
    [TestCase(FanMode.FanIn, Nonlinearity.Tanh, 0.0)]
    public void Kaiming_uniform_is_U_of_gain_times_root_3_over_fan(FanMode mode, Nonlinearity nonlinearity, double slope)
    {
        var t = Tensor.Zeros(512, 1024);
        Init.KaimingUniform(t, new Rng(1), slope, mode, nonlinearity);
        int fan = mode == FanMode.FanIn ? 1024 : 512;
        double bound = Init.CalculateGain(nonlinearity, slope) * Math.Sqrt(3.0 / fan);
        AssertStats(t, bound / Math.Sqrt(3), bound);
    }

    [Test]
    public void Kaiming_uniform_with_slope_root_5_is_Linear_default()
    {
        var t = Tensor.Zeros(512, 1024);
        Init.KaimingUniform(t, new Rng(2), Math.Sqrt(5));
        AssertStats(t, 1 / Math.Sqrt(1024) / Math.Sqrt(3), 1 / Math.Sqrt(1024));
    }

    [TestCase(FanMode.FanIn, Nonlinearity.Relu)]
    [TestCase(FanMode.FanOut, Nonlinearity.Linear)]
    public void Kaiming_normal_is_N_of_gain_over_root_fan(FanMode mode, Nonlinearity nonlinearity)
    {
        var t = Tensor.Zeros(512, 1024);
        Init.KaimingNormal(t, new Rng(3), 0, mode, nonlinearity);
        int fan = mode == FanMode.FanIn ? 1024 : 512;
        AssertStats(t, Init.CalculateGain(nonlinearity, 0) / Math.Sqrt(fan), null);
    }

    [Test]
    public void Xavier_uses_both_fans()
    {
        var u = Tensor.Zeros(512, 1024);
        Init.XavierUniform(u, new Rng(4), gain: 2);
        double bound = 2 * Math.Sqrt(6.0 / (512 + 1024));
        AssertStats(u, bound / Math.Sqrt(3), bound);

        var n = Tensor.Zeros(512, 1024);
        Init.XavierNormal(n, new Rng(5));
        AssertStats(n, Math.Sqrt(2.0 / (512 + 1024)), null);
    }

    [Test]
    public void Seeded_initialisers_are_deterministic_and_work_on_parameters()
    {
        var a = new Parameter(Tensor.Zeros(30, 20), "a");
        var b = new Parameter(Tensor.Zeros(30, 20), "b");
        Init.KaimingNormal(a, new Rng(9));
        Init.KaimingNormal(b, new Rng(9));
        Assert.That(a.Value.ToArray(), Is.EqualTo(b.Value.ToArray()));
        Init.KaimingNormal(b, new Rng(10));
        Assert.That(a.Value.ToArray(), Is.Not.EqualTo(b.Value.ToArray()));

        Init.Constant(a, 0.25f);
        Assert.That(a.Value.ToArray(), Is.All.EqualTo(0.25f));
        Init.Zeros(a);
        Assert.That(a.Value.ToArray(), Is.All.EqualTo(0f));
        Init.Ones(a);
        Assert.That(a.Value.ToArray(), Is.All.EqualTo(1f));
        Init.Uniform(a, new Rng(1), 2, 3);
        Assert.That(a.Value.ToArray(), Is.All.InRange(2f, 3f));
        Init.Normal(a, new Rng(1), 5, 0);
        Assert.That(a.Value.ToArray(), Is.All.EqualTo(5f));
    }

    [Test]
    public void Invalid_arguments_are_rejected()
    {
        var t = Tensor.Zeros(4, 4);
        Assert.Throws<ArgumentException>(() => Init.KaimingUniform(Tensor.Zeros(4), new Rng(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Init.XavierUniform(t, new Rng(1), gain: 0));
        Assert.Throws<ArgumentException>(() => Init.Uniform(t, new Rng(1), 1, 0));
        Assert.Throws<ArgumentException>(() => Init.Normal(t, new Rng(1), 0, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Init.CalculateGain(Nonlinearity.LeakyRelu, double.NaN));
    }
}

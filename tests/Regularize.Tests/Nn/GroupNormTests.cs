using Regularize.Autograd;
using Regularize.Nn;
using Regularize.Tensors;

namespace Regularize.Tests.Nn;

/// <summary>
/// GroupNorm and <see cref="Tensor.GroupNorm"/>: output and every gradient against PyTorch 1.13 (Fixtures/layers, computed
/// in float64), finite differences, the same bits on 1, 2, 3 and 7 threads, equivalence with LayerNorm for one group,
/// and the checks of arguments and inputs.
/// </summary>
public class GroupNormTests
{
    private const double Rtol = 2e-5, Atol = 1e-5;

    private static IEnumerable<string> Cases() => LayersReference.GroupNormCases();

    [TestCaseSource(nameof(Cases))]
    [Category("Kernels")]
    public void Layer_MatchesTorch_ValueAndGradients(string name)
    {
        var c = LayersReference.GroupNorm(name);
        var x = LayersReference.TensorOf(c.GetProperty("x"));
        bool affine = c.TryGetProperty("weight", out var weight);
        var layer = new GroupNorm(c.GetProperty("groups").GetInt32(), x.Shape[1], c.GetProperty("eps").GetDouble(), affine);
        if (affine)
        {
            LayersReference.TensorOf(weight).Span.CopyTo(layer.Weight!.Value.Span);
            LayersReference.TensorOf(c.GetProperty("bias")).Span.CopyTo(layer.Bias!.Value.Span);
        }
        x.RequiresGrad = true;
        var y = layer.Forward(x);
        LayersReference.AssertClose(y, LayersReference.TensorOf(c.GetProperty("y")), Rtol, Atol, $"{name} y");
        (y * LayersReference.TensorOf(c.GetProperty("w"))).Sum().Backward();
        LayersReference.AssertClose(x.Grad!, LayersReference.TensorOf(c.GetProperty("dx")), Rtol, Atol, $"{name} dx");
        if (affine)
        {
            LayersReference.AssertClose(layer.Weight!.Grad!, LayersReference.TensorOf(c.GetProperty("dweight")), Rtol, Atol, $"{name} dweight");
            LayersReference.AssertClose(layer.Bias!.Grad!, LayersReference.TensorOf(c.GetProperty("dbias")), Rtol, Atol, $"{name} dbias");
        }
    }

    [Test]
    public void EvaluationMode_GivesTheSameOutput_AndThereAreNoBuffers()
    {
        var layer = new GroupNorm(2, 4);
        var x = Tensor.RandomNormal([3, 4, 5, 2], seed: 1);
        var train = layer.Forward(x).ToArray();
        Assert.That(layer.Eval().Forward(x).ToArray(), Is.EqualTo(train));
        Assert.That(layer.NamedBuffers(), Is.Empty);
        Assert.That(layer.NamedParameters().Select(p => p.Name), Is.EqualTo(new[] { "weight", "bias" }));
    }

    [Test]
    public void OneSample_IsNormalisedOnItsOwn_NotWithTheBatch()
    {
        var x = Tensor.RandomNormal([4, 6, 3, 3], seed: 2);
        var all = Tensor.GroupNorm(x, 3).ToArray();
        var second = Tensor.GroupNorm(Tensor.FromArray(x.ToArray()[54..108], 1, 6, 3, 3), 3).ToArray();
        Assert.That(all[54..108], Is.EqualTo(second));
    }

    [Test]
    public void OneGroup_EqualsLayerNormOverChannelsAndPlane()
    {
        var x = Tensor.RandomNormal([2, 3, 4, 5], mean: 1f, std: 2f, seed: 3);
        var expected = new LayerNorm([3, 4, 5], elementwiseAffine: false).Forward(x).ToArray();
        Assert.That(Tensor.GroupNorm(x, 1).ToArray(), Is.EqualTo(expected).Within(2e-6f));
    }

    [Test]
    public void EachGroup_HasMeanZeroAndVarianceOne_ComputedInDouble()
    {
        var x = Tensor.RandomNormal([2, 6, 7, 9], mean: 5f, std: 3f, seed: 4);
        var y = Tensor.GroupNorm(x, 3, eps: 1e-5).ToArray();
        int m = 2 * 7 * 9;
        for (int block = 0; block < 6; block++)
        {
            var values = y.Skip(block * m).Take(m).Select(v => (double)v).ToArray();
            double mean = values.Average();
            double variance = values.Select(v => (v - mean) * (v - mean)).Average();
            Assert.That(mean, Is.EqualTo(0).Within(1e-6), $"block {block} mean");
            Assert.That(variance, Is.EqualTo(1).Within(1e-5), $"block {block} variance");
        }
    }

    [Test]
    public void GradCheck_InputWeightAndBias([Values(1, 2, 6)] int groups)
    {
        var layer = new GroupNorm(groups, 6);
        Init.Normal(layer.Weight!, new Rng(1), 1, 0.3);
        Init.Normal(layer.Bias!, new Rng(2), 0, 0.3);
        var x = Tensor.RandomNormal([2, 6, 3, 2], mean: 0.5f, std: 2f, seed: (ulong)groups);
        var result = GradCheck.Check(xs => layer.Forward(xs[0]), [x, layer.Weight!.Value, layer.Bias!.Value]);
        Assert.That(result.IsWithin(2e-3), Is.True, result.ToString());
    }

    [Test]
    [Category("Kernels")]
    public void GradCheck_WithoutAffine_Rank3()
    {
        var x = Tensor.RandomNormal([3, 4, 5], seed: 7);
        var result = GradCheck.Check(xs => Tensor.GroupNorm(xs[0], 2), [x]);
        Assert.That(result.IsWithin(2e-3), Is.True, result.ToString());
    }

    [Test]
    [Category("Kernels")]
    public void SameBits_On1_2_3And7Threads()
    {
        var x = Tensor.RandomNormal([6, 32, 17, 15], mean: 1f, std: 2f, seed: 5);
        var gamma = Tensor.RandomNormal([32], mean: 1f, std: 0.3f, seed: 6);
        var beta = Tensor.RandomNormal([32], std: 0.3f, seed: 7);
        var w = Tensor.RandomNormal([6, 32, 17, 15], seed: 8);
        (float[] Y, float[] Dx, float[] DGamma, float[] DBeta) Run()
        {
            var xi = Tensor.FromArray(x.ToArray(), x.Shape.ToArray());
            var gi = Tensor.FromArray(gamma.ToArray(), 32);
            var bi = Tensor.FromArray(beta.ToArray(), 32);
            xi.RequiresGrad = gi.RequiresGrad = bi.RequiresGrad = true;
            var y = Tensor.GroupNorm(xi, 8, gi, bi);
            (y * w).Sum().Backward();
            return (y.ToArray(), xi.Grad!.ToArray(), gi.Grad!.ToArray(), bi.Grad!.ToArray());
        }
        (float[], float[], float[], float[]) one;
        using (Parallelism.Limit(1)) one = Run();
        foreach (int threads in new[] { 2, 3, 7 })
        {
            using (Parallelism.Limit(threads))
            {
                var r = Run();
                Assert.That(r.Y, Is.EqualTo(one.Item1), $"y, {threads} threads");
                Assert.That(r.Dx, Is.EqualTo(one.Item2), $"dx, {threads} threads");
                Assert.That(r.DGamma, Is.EqualTo(one.Item3), $"dweight, {threads} threads");
                Assert.That(r.DBeta, Is.EqualTo(one.Item4), $"dbias, {threads} threads");
            }
        }
    }

    [Test]
    public void Constructor_RejectsBadArguments()
    {
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new GroupNorm(0, 4))!.ParamName, Is.EqualTo("numGroups"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new GroupNorm(2, 0))!.ParamName, Is.EqualTo("numChannels"));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new GroupNorm(3, 8))!;
        Assert.That(e.Message, Does.Contain("8").And.Contain("3"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new GroupNorm(2, 4, eps: 0))!.ParamName, Is.EqualTo("eps"));
    }

    [Test]
    public void Forward_RejectsWrongChannelsAndRank_NamingTheLayer()
    {
        var model = new Sequential(new ReLU(), new GroupNorm(2, 4));
        var e = Assert.Throws<ArgumentException>(() => model.Forward(Tensor.Zeros(2, 6, 3, 3)))!;
        Assert.That(e.Message, Does.Contain("1 (GroupNorm groups=2 channels=4)").And.Contain("[2,6,3,3]").And.Contain("6 channels, expected 4"));
        Assert.Throws<ArgumentException>(() => model.Forward(Tensor.Zeros(4)));
    }

    [Test]
    public void Op_RejectsBadArguments()
    {
        var x = Tensor.Zeros(2, 6, 3);
        Assert.That(Assert.Throws<ArgumentException>(() => Tensor.GroupNorm(x, 4))!.Message, Does.Contain("6 channels").And.Contain("4 groups"));
        Assert.That(Assert.Throws<ArgumentException>(() => Tensor.GroupNorm(x, 2, weight: Tensor.Ones(5)))!.ParamName, Is.EqualTo("weight"));
        Assert.That(Assert.Throws<ArgumentException>(() => Tensor.GroupNorm(x, 2, bias: Tensor.Ones(6, 1)))!.ParamName, Is.EqualTo("bias"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.GroupNorm(x, 0));
        Assert.Throws<ArgumentException>(() => Tensor.GroupNorm(Tensor.Zeros(6), 2));
    }
}

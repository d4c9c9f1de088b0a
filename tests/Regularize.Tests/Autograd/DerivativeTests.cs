using Regularize.Autograd;
using Regularize.Tensors;

namespace Regularize.Tests.Autograd;

/// <summary>
/// Every primitive's rule against central finite differences (<see cref="GradCheck"/>, uneven output weights),
/// including broadcast operands whose gradients must be summed back to their own shapes.
/// </summary>
public class DerivativeTests
{
    // float32 differences with h = 1e-2: rounding ~ 1e-7·|L|/h ≈ 1e-4 for |L| ~ 10, truncation ~ h²·|f‴| ≈ 1e-4·|f‴|.
    private const double Tolerance = 2e-3;

    private static Tensor R(ulong seed, params int[] shape) => Tensor.RandomNormal(shape, 0, 1, seed);

    private static Tensor Positive(ulong seed, params int[] shape) => Tensor.RandomUniform(shape, 0.5f, 2f, seed);

    // Values kept away from the kinks of piecewise ops so the finite difference does not straddle one.
    private static Tensor AwayFromZero(ulong seed, params int[] shape)
    {
        var t = R(seed, shape);
        var s = t.Span;
        for (int i = 0; i < s.Length; i++) s[i] = s[i] >= 0 ? s[i] + 0.1f : s[i] - 0.1f;
        return t;
    }

    private static void Check(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var result = GradCheck.Check(f, inputs);
        Assert.That(result.IsWithin(Tolerance), Is.True, result.ToString());
    }

    [Test] public void Add() => Check(x => x[0] + x[1], R(1, 3, 4), R(2, 3, 4));
    [Test] public void AddBroadcastRow() => Check(x => x[0] + x[1], R(1, 3, 4), R(2, 4));
    [Test] public void AddBroadcastColumnAndLeading() => Check(x => x[0] + x[1], R(1, 2, 3, 4), R(2, 3, 1));
    [Test] public void Subtract() => Check(x => x[0] - x[1], R(1, 3, 4), R(2, 1, 4));
    [Test] public void Multiply() => Check(x => x[0] * x[1], R(1, 3, 4), R(2, 3, 1));
    [Test] public void Divide() => Check(x => x[0] / x[1], R(1, 3, 4), Positive(2, 4));
    [Test] public void Maximum() => Check(x => Tensor.Maximum(x[0], x[1]), R(1, 3, 4), R(2, 4));
    [Test] public void Minimum() => Check(x => Tensor.Minimum(x[0], x[1]), R(1, 3, 4), R(2, 3, 4));
    [Test] public void ScalarOperators() => Check(x => (2f - x[0]) * 3f / 2f + 1f, R(1, 5));
    [Test] public void Negate() => Check(x => -x[0], R(1, 7));
    [Test] public void Exp() => Check(x => x[0].Exp(), R(1, 7));
    [Test] public void Log() => Check(x => x[0].Log(), Positive(1, 7));
    [Test] public void Sqrt() => Check(x => x[0].Sqrt(), Positive(1, 7));
    [Test] public void Abs() => Check(x => x[0].Abs(), AwayFromZero(1, 7));
    [Test] public void Sign() => Check(x => x[0].Sign() * x[0], AwayFromZero(1, 7));
    [Test] public void Square() => Check(x => x[0].Square(), R(1, 7));
    [Test] public void Pow() => Check(x => x[0].Pow(2.5f), Positive(1, 7));
    [Test] public void Tanh() => Check(x => x[0].Tanh(), R(1, 7));
    [Test] public void Sigmoid() => Check(x => x[0].Sigmoid(), R(1, 7));
    [Test] public void Relu() => Check(x => x[0].Relu(), AwayFromZero(1, 9));
    [Test] public void Gelu() => Check(x => x[0].Gelu(), R(1, 9));
    [Test] public void Clamp() => Check(x => x[0].Clamp(-0.55f, 0.45f), AwayFromZero(3, 9));
    [Test] public void SumAll() => Check(x => x[0].Sum() * x[0], R(1, 2, 3));
    [Test] public void MeanAll() => Check(x => x[0].Mean() * x[0], R(1, 2, 3));
    [Test] public void SumAxis([Values(0, 1, 2)] int axis, [Values] bool keep) => Check(x => x[0].Sum(axis, keep), R(1, 2, 3, 4));
    [Test] public void MeanAxis([Values(0, 1, 2)] int axis, [Values] bool keep) => Check(x => x[0].Mean(axis, keep), R(1, 2, 3, 4));
    [Test] public void MaxAll() => Check(x => x[0].Max() * x[0], Spaced(2, 3));
    [Test] public void MaxAxis([Values(0, 1)] int axis) => Check(x => x[0].Max(axis), Spaced(4, 5));

    // Distinct values at least 0.1 apart in shuffled order, so no finite-difference step crosses a tie.
    private static Tensor Spaced(params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        var order = Enumerable.Range(0, t.Length).ToArray();
        new Rng(9).Shuffle<int>(order);
        for (int i = 0; i < order.Length; i++) t.Span[i] = order[i] * 0.1f - 1f;
        return t;
    }
    [Test] public void Softmax() => Check(x => x[0].Softmax(), R(1, 3, 5));
    [Test] public void LogSoftmax() => Check(x => x[0].LogSoftmax(), R(1, 3, 5));
    [Test] public void MatMul([Values] bool ta, [Values] bool tb) =>
        Check(x => Tensor.MatMul(x[0], x[1], ta, tb), R(1, ta ? 4 : 3, ta ? 3 : 4), R(2, tb ? 5 : 4, tb ? 4 : 5));
    [Test] public void MatMulBatched([Values] bool ta, [Values] bool tb) =>
        Check(x => Tensor.MatMul(x[0], x[1], ta, tb), R(1, 2, ta ? 4 : 3, ta ? 3 : 4), R(2, 2, tb ? 5 : 4, tb ? 4 : 5));
    [Test] public void MatMulSharedRightOperand([Values] bool ta, [Values] bool tb) =>
        Check(x => Tensor.MatMul(x[0], x[1], ta, tb), R(1, 2, ta ? 4 : 3, ta ? 3 : 4), R(2, tb ? 5 : 4, tb ? 4 : 5));
    [Test] public void Transpose() => Check(x => x[0].Transpose() * x[1], R(1, 3, 4), R(2, 4, 3));
    [Test] public void Reshape() => Check(x => x[0].Reshape(4, 3) * x[1], R(1, 3, 4), R(2, 4, 3));
    [Test] public void Rows() => Check(x => x[0].Rows(1, 2) * 2f, R(1, 4, 3));
    [Test] public void Concat([Values(0, 1)] int axis) => Check(x => Tensor.Concat([x[0], x[1]], axis) * x[2], R(1, 2, 3), R(2, 2, 3), R(3, axis == 0 ? 4 : 2, axis == 0 ? 3 : 6));
    [Test] public void Gather() => Check(x => x[0].Gather([2, 0, 1, 2]), R(1, 4, 3));

    [Test]
    public void CrossEntropyComposition() =>
        Check(x => x[0].LogSoftmax().Gather([1, 0, 2]).Mean().Negate(), R(1, 3, 4));

    [Test]
    public void GradCheckCatchesAWrongRule()
    {
        // A deliberately wrong derivative: y = x·stopgrad(x) has dy/dx = 2x, but the detached factor gives only x.
        var result = GradCheck.Check(x => x[0] * x[0].Detach(), [R(4, 6)]);
        Assert.That(result.IsWithin(Tolerance), Is.False, "GradCheck must fail on a wrong gradient: " + result);
    }
}

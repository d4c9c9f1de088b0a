using Regularize.Autograd;
using Regularize.Tensors;

namespace Regularize.Tests.Tensors;

/// <summary>
/// Softmax and log-softmax on any axis, Sum/Mean/Max over several axes with and without keepDims, and Max with
/// indices, against PyTorch 1.13 (Fixtures/functional/generate.py): values and the gradient of an unevenly weighted
/// sum of the output. Tolerances: 1e-5 relative + 1e-6 absolute (the sums are formed in another order than
/// PyTorch's, so a few float32 ulps differ; a wrong axis or a missing term is off by order 1).
/// </summary>
public class TensorReductionsTests
{
    private static readonly int[] SoftmaxDims = [0, 1, 2, -1, -2, -3];

    [TestCaseSource(nameof(SoftmaxDims))]
    public void Softmax_MatchesTorchOnEveryAxis(int dim) =>
        FunctionalReference.CheckValueAndGradient($"softmax_dim{dim}", x => x.Softmax(dim));

    [TestCaseSource(nameof(SoftmaxDims))]
    public void LogSoftmax_MatchesTorchOnEveryAxis(int dim) =>
        FunctionalReference.CheckValueAndGradient($"log_softmax_dim{dim}", x => x.LogSoftmax(dim));

    [Test]
    public void Softmax_WithoutAxis_IsTheLastAxis()
    {
        var x = Tensor.RandomNormal([3, 4, 5], seed: 3);
        Assert.That(x.Softmax().ToArray(), Is.EqualTo(x.Softmax(-1).ToArray()));
        Assert.That(x.LogSoftmax().ToArray(), Is.EqualTo(x.LogSoftmax(2).ToArray()));
    }

    private static IEnumerable<string> Cases(string prefix) => FunctionalReference.Names(prefix);

    private static int[] Dims(string name) => FunctionalReference.Ints(FunctionalReference.Case(name).GetProperty("dims"));

    private static bool Keep(string name) => FunctionalReference.Case(name).GetProperty("keepdim").GetBoolean();

    [TestCaseSource(nameof(Cases), new object[] { "sum_" })]
    public void Sum_OverSeveralAxes_MatchesTorch(string name) =>
        FunctionalReference.CheckValueAndGradient(name, x => x.Sum(Dims(name), Keep(name)));

    [TestCaseSource(nameof(Cases), new object[] { "mean_" })]
    public void Mean_OverSeveralAxes_MatchesTorch(string name) =>
        FunctionalReference.CheckValueAndGradient(name, x => x.Mean(Dims(name), Keep(name)));

    [TestCaseSource(nameof(Cases), new object[] { "amax_" })]
    public void Max_OverSeveralAxes_MatchesTorchAmax_WithTiesSharingTheGradient(string name) =>
        FunctionalReference.CheckValueAndGradient(name, x => x.Max(Dims(name), Keep(name)));

    [TestCaseSource(nameof(Cases), new object[] { "max_dim" })]
    public void MaxWithIndices_MatchesTorchMax(string name)
    {
        var record = FunctionalReference.Case(name);
        int dim = record.GetProperty("dim").GetInt32();
        bool keep = record.GetProperty("keepdim").GetBoolean();
        int[]? indices = null;
        FunctionalReference.CheckValueAndGradient(name, x =>
        {
            var (values, idx) = x.MaxWithIndices(dim, keep);
            indices = idx;
            return values;
        }, rtol: 0, atol: 0);
        Assert.That(indices, Is.EqualTo(FunctionalReference.Ints(record.GetProperty("indices"))));
    }

    [Test]
    public void SingleAxisForms_AgreeWithTheArrayForms()
    {
        var x = Tensor.RandomNormal([2, 3, 4], seed: 5);
        Assert.That(x.Sum(1, keepDims: true).ToArray(), Is.EqualTo(x.Sum([1], keepDims: true).ToArray()));
        Assert.That(x.Mean(-1).ToArray(), Is.EqualTo(x.Mean([2]).ToArray()));
        Assert.That(x.Max(0).ToArray(), Is.EqualTo(x.Max([0]).ToArray()));
        Assert.That(x.Sum([0, 1, 2]).Shape.Rank, Is.EqualTo(0));
        Assert.That(x.Sum([0, 1, 2], keepDims: true).Shape.ToArray(), Is.EqualTo(new[] { 1, 1, 1 }));
    }

    [Test]
    public void BadAxes_AreRejectedWithTheShapeNamed()
    {
        var x = Tensor.Zeros(2, 3);
        var repeated = Assert.Throws<ArgumentException>(() => x.Sum([1, -1]))!;
        Assert.That(repeated.Message, Does.Contain("appears twice").And.Contain("[2,3]"));
        var outOfRange = Assert.Throws<ArgumentException>(() => x.Mean([0, 2]))!;
        Assert.That(outOfRange.Message, Does.Contain("axis 2").And.Contain("[2,3]"));
        Assert.Throws<ArgumentException>(() => x.Max(Array.Empty<int>()));
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Softmax(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => x.LogSoftmax(-3));
    }
}

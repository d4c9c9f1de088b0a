using System.Text.RegularExpressions;
using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Tensors;

namespace Regularize.Tests.Optimizers;

public class GroupBuilderTests
{
    private static readonly Parameter[] Ps =
    [
        new(Tensor.Zeros(2, 2), "encoder.0.weight"),
        new(Tensor.Zeros(2), "encoder.0.bias"),
        new(Tensor.Zeros(2, 2), "head.weight"),
    ];

    [Test]
    public void SplitByGlobRegexAndPredicate()
    {
        var byGlob = GroupBuilder.Split(Ps, "encoder.*", g => g.LearningRate = 1e-4);
        Assert.That(byGlob[0].Parameters.Select(p => p.Name), Is.EqualTo(new[] { "encoder.0.weight", "encoder.0.bias" }));
        Assert.That(byGlob[0].LearningRate, Is.EqualTo(1e-4));
        Assert.That(byGlob[1].Parameters.Select(p => p.Name), Is.EqualTo(new[] { "head.weight" }));
        Assert.That(byGlob[1].IsSet(Hyperparameter.LearningRate), Is.False);
        Assert.That(GroupBuilder.Split(Ps, "*.bias")[0].Parameters.Single().Name, Is.EqualTo("encoder.0.bias"));
        Assert.That(GroupBuilder.Split(Ps, new Regex(@"^head\."))[0].Parameters.Single().Name, Is.EqualTo("head.weight"));
        Assert.That(GroupBuilder.Split(Ps, p => p.Shape.Rank == 1).Count, Is.EqualTo(2));
    }

    [Test]
    public void GeometricSpreadsFromLowToHigh()
    {
        var layers = Ps.Select(p => (IEnumerable<Parameter>)[p]).ToList();
        var groups = GroupBuilder.Geometric(layers, Hyperparameter.LearningRate, 1e-4, 1e-2);
        Assert.That(groups.Select(g => g.LearningRate), Is.EqualTo(new[] { 1e-4, 1e-3, 1e-2 }).Within(1e-12));
        var opt = new AdamW(groups, learningRate: 1.0);
        Assert.That(opt.ParameterGroups[1].LearningRate, Is.EqualTo(1e-3).Within(1e-12), "explicit values beat the constructor default");
    }

    [Test]
    public void SplitByDecaySeparatesDecayedFromTheRest()
    {
        var w = new Parameter(Tensor.Zeros(2, 2), "fc.weight");
        var b = new Parameter(Tensor.Zeros(2), "fc.bias");
        var groups = GroupBuilder.SplitByDecay([w, b]);
        Assert.That(groups[0].Parameters, Is.EqualTo(new[] { w }));
        Assert.That(groups[0].IsSet(Hyperparameter.WeightDecay), Is.False, "takes the optimizer's λ");
        Assert.That(groups[1].Parameters, Is.EqualTo(new[] { b }));
        Assert.That(groups[1].WeightDecay, Is.EqualTo(0));
        var custom = GroupBuilder.SplitByDecay([w, b], weightDecay: 0.2, isDecayed: p => p.Name.EndsWith("bias"));
        Assert.That(custom[0].Parameters, Is.EqualTo(new[] { b }));
        Assert.That(custom[0].WeightDecay, Is.EqualTo(0.2));
    }
}

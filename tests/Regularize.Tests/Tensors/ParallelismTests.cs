using Regularize.Tensors;

namespace Regularize.Tests.Tensors;

public class ParallelismTests
{
    [Test]
    public void ThreadLimitDoesNotChangeResultsAndScopesRestore()
    {
        var a = Tensor.RandomNormal([300, 257], seed: 1);
        var b = Tensor.RandomNormal([257, 310], seed: 2);
        var all = Tensor.MatMul(a, b).ToArray();
        float[] one;
        using (Parallelism.Limit(1))
        {
            Assert.That(Parallelism.MaxDegreeOfParallelism, Is.EqualTo(1));
            one = Tensor.MatMul(a, b).ToArray();
        }
        Assert.That(Parallelism.MaxDegreeOfParallelism, Is.EqualTo(Parallelism.DefaultMaxDegreeOfParallelism));
        Assert.That(one, Is.EqualTo(all), "bit-identical for 1 thread and all cores");
        Assert.That(() => Parallelism.Limit(0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("was 0"));
        Assert.That(() => Parallelism.DefaultMaxDegreeOfParallelism = -2, Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}

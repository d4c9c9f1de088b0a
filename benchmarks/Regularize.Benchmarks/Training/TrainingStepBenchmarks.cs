using BenchmarkDotNet.Attributes;
using Regularize.Nn;
using Regularize.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Regularize.Benchmarks.Training;

/// <summary>
/// One steady-state training step of a 784-256-10 ReLU MLP on a batch of 64: forward, cross-entropy, backward and a
/// plain gradient step. The Allocated column is the point: inside a <see cref="TensorScope"/> the step's tensors come
/// from the pool, so what it allocates is graph bookkeeping only; without a scope every intermediate is a fresh array.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class TrainingStepBenchmarks
{
    private Sequential _model = null!;
    private Parameter[] _parameters = [];
    private Tensor _inputs = null!;
    private int[] _labels = [];

    [GlobalSetup]
    public void Setup()
    {
        _model = new Sequential(new Linear(784, 256, seed: 1), new ReLU(), new Linear(256, 10, seed: 2));
        _parameters = _model.Parameters().ToArray();
        _inputs = Tensor.RandomUniform([64, 784], 0, 1, seed: 3);
        _labels = Enumerable.Range(0, 64).Select(i => i % 10).ToArray();
        for (int i = 0; i < 3; i++) InScope();
    }

    [Benchmark(Baseline = true)]
    public float WithoutScope()
    {
        var loss = Losses.CrossEntropy(_model.Forward(_inputs), _labels);
        float value = loss.Item();
        loss.Backward();
        Update();
        return value;
    }

    [Benchmark]
    public float InScope()
    {
        float value;
        using (TensorScope.Begin())
        {
            var loss = Losses.CrossEntropy(_model.Forward(_inputs), _labels);
            value = loss.Item();
            loss.Backward();
        }
        Update();
        return value;
    }

    private void Update()
    {
        foreach (var p in _parameters)
        {
            TensorPrimitives.MultiplyAdd(p.Grad!.Span, -0.01f, p.Value.Span, p.Value.Span);
            p.Grad = null;
        }
    }
}

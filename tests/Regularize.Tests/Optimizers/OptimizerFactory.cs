using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Regularization;
using Regularize.Tensors;

namespace Regularize.Tests.Optimizers;

/// <summary>Builds the library's optimizer for a <see cref="RefConfig"/> (one group per config) and helpers shared by tests.</summary>
internal static class OptimizerFactory
{
    public static Optimizer Create(IReadOnlyList<(RefConfig Config, IEnumerable<Parameter> Parameters)> groups, DecayScaling scaling = DecayScaling.LearningRate)
    {
        var c0 = groups[0].Config;
        var pgs = groups.Select((g, k) =>
        {
            var pg = new ParameterGroup(g.Parameters, $"g{k}", learningRate: g.Config.LearningRate, weightDecay: g.Config.WeightDecay);
            if (g.Config.DecayRate is double eta && scaling == DecayScaling.ScheduleMultiplier) pg.ScheduleMultiplier = eta;
            return pg;
        }).ToList();
        return c0.Optimizer switch
        {
            "Sgd" => new Sgd(pgs, c0.LearningRate, c0.Momentum, c0.Dampening, c0.Nesterov, c0.WeightDecay, c0.Maximize, c0.L1, c0.L1Mode),
            "SgdW" => new SgdW(pgs, c0.LearningRate, c0.Momentum, c0.Dampening, c0.Nesterov, c0.WeightDecay, c0.Maximize, scaling, c0.L1, c0.L1Mode),
            "Adam" => new Adam(pgs, c0.LearningRate, c0.Beta1, c0.Beta2, c0.Epsilon, c0.WeightDecay, c0.AmsGrad, c0.Maximize, c0.L1, c0.L1Mode),
            "AdamW" => new AdamW(pgs, c0.LearningRate, c0.Beta1, c0.Beta2, c0.Epsilon, c0.WeightDecay, c0.AmsGrad, c0.Maximize, scaling, c0.L1, c0.L1Mode),
            _ => throw new ArgumentException(c0.Optimizer),
        };
    }

    public static Optimizer Create(RefConfig c, params Parameter[] parameters) => Create([(c, parameters)]);

    public static Parameter Param(string name, int length, ulong seed, float std = 1f) =>
        new(Tensor.RandomNormal([length], 0f, std, seed), name);

    /// <summary>Units in the last place between two floats (0 when bitwise equal or both zero).</summary>
    public static long Ulps(float a, float b)
    {
        if (a == b) return 0;
        if (float.IsNaN(a) || float.IsNaN(b)) return long.MaxValue;
        long ia = BitConverter.SingleToInt32Bits(a), ib = BitConverter.SingleToInt32Bits(b);
        if (ia < 0) ia = int.MinValue - ia;
        if (ib < 0) ib = int.MinValue - ib;
        return Math.Abs(ia - ib);
    }
}

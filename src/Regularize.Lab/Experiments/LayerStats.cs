using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Regularization;

namespace Regularize.Lab.Experiments;

/// <summary>One weight matrix at the end of a trial: its size, norm and exact zeros, and the λ and λ₁ its group used.</summary>
/// <param name="Name">The parameter's name (<c>0.weight</c>).</param>
/// <param name="Shape">Its shape.</param>
/// <param name="Norm">‖W‖₂ = √(Σ w²).</param>
/// <param name="Zeros">How many elements are exactly zero (what a proximal L1 step leaves).</param>
/// <param name="WeightDecay">The weight decay λ of its group.</param>
/// <param name="L1">The L1 coefficient λ₁ of its group.</param>
internal sealed record LayerStats(string Name, int[] Shape, double Norm, long Zeros, double WeightDecay, double L1)
{
    /// <summary>The number of elements.</summary>
    public long Count => Shape.Aggregate(1L, (a, d) => a * d);

    /// <summary>The weight matrices of <paramref name="model"/> (the parameters <see cref="DecayMask.IsDecayedByDefault"/> picks), with their groups' λ and λ₁.</summary>
    public static List<LayerStats> Of(Module model, Optimizer optimizer)
    {
        var list = new List<LayerStats>();
        foreach (var (name, p) in model.NamedParameters())
        {
            if (!DecayMask.IsDecayedByDefault(p)) continue;
            var group = optimizer.ParameterGroups.First(g => g.Parameters.Contains(p));
            double sum = 0;
            long zeros = 0;
            foreach (float w in p.Value.Span)
            {
                sum += (double)w * w;
                if (w == 0) zeros++;
            }
            list.Add(new LayerStats(name, p.Value.Shape.ToArray(), Math.Sqrt(sum), zeros, group.WeightDecay, group.L1));
        }
        return list;
    }
}

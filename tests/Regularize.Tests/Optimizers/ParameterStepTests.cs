using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Regularization;
using Regularize.Tensors;
using Regularize.Tensors.Kernels;

namespace Regularize.Tests.Optimizers;

/// <summary>Per-parameter scalar slots: <see cref="ParameterStep.Scalar"/> and <see cref="ParameterStep.SetScalar"/>.</summary>
public class ParameterStepTests
{
    /// <summary>Counts its steps in a scalar slot; throws while planning the parameter named "bad" when asked to.</summary>
    private sealed class Counting(IEnumerable<Parameter> parameters) : Optimizer([new ParameterGroup(parameters)], ["count"], DecayPlacement.Coupled, [])
    {
        public bool Fail { get; set; }

        public List<float> Seen { get; } = [];

        protected internal override Shape SlotShape(int slot, Parameter parameter) => new(1);

        protected override void Plan(ParameterStep step)
        {
            step.Allocate(0);
            float count = step.Scalar(0);
            step.SetScalar(0, count + 1);
            Seen.Add(step.Scalar(0));
            if (Fail && step.Parameter.Name == "bad") throw new InvalidOperationException("planned failure");
            step.Run(new Identity());
        }
    }

    private readonly struct Identity : IUpdateRule<Identity>
    {
        public static float Update(in Identity rule, float theta, float g, StateSlots state) => theta;

        public static TVec Update<TVec>(in Identity rule, TVec theta, TVec g, StateSlots state) where TVec : struct, IFloatVector<TVec> => theta;
    }

    [Test]
    public void ScalarWritesApplyAfterEveryPlanAndNotAtAllWhenAPlanFails()
    {
        var good = new Parameter(Tensor.Ones(1), "good") { Grad = Tensor.Ones(1) };
        var bad = new Parameter(Tensor.Ones(3), "bad") { Grad = Tensor.Ones(3) };
        var opt = new Counting([good, bad]);
        opt.Step();
        opt.Step();
        Assert.That(opt.StateOf(good)!["count"]!.ToArray(), Is.EqualTo(new[] { 2f }));
        Assert.That(opt.Seen, Is.EqualTo(new[] { 0f, 0f, 1f, 1f }), "Scalar reads the value from before the step");
        opt.Fail = true;
        Assert.That(() => opt.Step(), Throws.InvalidOperationException.With.Message.EqualTo("planned failure"));
        Assert.That(opt.StateOf(good)!["count"]!.ToArray(), Is.EqualTo(new[] { 2f }), "the good parameter's write is dropped");
        Assert.That(opt.StateOf(good)!.Step, Is.EqualTo(2));
        opt.Fail = false;
        opt.Step();
        Assert.That(opt.StateOf(bad)!["count"]!.ToArray(), Is.EqualTo(new[] { 3f }));
    }

    [Test]
    public void ScalarOfAnUnallocatedSlotNamesIt()
    {
        var p = new Parameter(Tensor.Ones(2), "w") { Grad = Tensor.Ones(2) };
        var opt = new Unallocated([p]);
        Assert.That(() => opt.Step(), Throws.InvalidOperationException.With.Message.Contains("Slot 'count' of parameter 'w' is not allocated"));
    }

    private sealed class Unallocated(IEnumerable<Parameter> parameters) : Optimizer([new ParameterGroup(parameters)], ["count"], DecayPlacement.Coupled, [])
    {
        protected override void Plan(ParameterStep step) => step.SetScalar(0, 1f);
    }
}

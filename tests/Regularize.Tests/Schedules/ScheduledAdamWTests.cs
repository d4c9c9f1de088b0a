using System.Text.Json;
using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Schedules;
using Regularize.Tensors;

namespace Regularize.Tests.Schedules;

/// <summary>
/// Schedules driving a real optimizer: AdamW under cosine annealing of the learning rate, and under one-cycle with
/// its β₁ cycle, against trajectories recorded from <c>torch.optim.AdamW</c> with <c>CosineAnnealingLR</c> and
/// <c>OneCycleLR</c> (Fixtures/schedules/generate_scheduled_adamw.py). Each step checks the learning rate and β₁ that
/// the schedulers wrote and every parameter after the update.
/// </summary>
public class ScheduledAdamWTests
{
    // The schedule values agree to double rounding (the schedule parity tests measure ≤ 7e-15). The parameters are
    // float32 AdamW trajectories in torch's op order, with its fused multiply-adds, so they are PyTorch's bits: the
    // written learning rate differs from torch's by ≤ 6.1e-16 relative, too little to change the float32 step size here.
    private const double ScheduleTolerance = 1e-12;

    private static JsonElement Case(string name)
    {
        var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "schedules", "scheduled_adamw.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
    }

    private static float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    [TestCase("cosine")]
    [TestCase("one-cycle")]
    public void TrajectoryMatchesPyTorch(string name)
    {
        var c = Case(name);
        var parameters = c.GetProperty("initial").EnumerateArray()
            .Select((v, k) => new Parameter(Tensor.FromArray(Floats(v)), $"p{k}")).ToArray();
        var optimizer = new AdamW(parameters, learningRate: 1e-2, weightDecay: c.GetProperty("weight_decay").GetDouble());
        int steps = c.GetProperty("parameters").GetArrayLength();
        var schedulers = new List<Scheduler>();
        if (name == "cosine")
        {
            schedulers.Add(new Scheduler(optimizer.ParameterGroups, new CosineAnnealing(0.01, c.GetProperty("t_max").GetInt64(), c.GetProperty("eta_min").GetDouble())));
        }
        else
        {
            var oneCycle = new OneCycle(maxValue: 0.01, totalSteps: steps);
            schedulers.Add(new Scheduler(optimizer.ParameterGroups, oneCycle));
            schedulers.Add(new Scheduler(optimizer.ParameterGroups, oneCycle.MomentumCycle(), Hyperparameter.Beta1));
        }

        double worstSchedule = 0, worstParameter = 0;
        for (int t = 0; t < steps; t++)
        {
            var group = optimizer.ParameterGroups[0];
            double expectedLr = c.GetProperty("lr")[t].GetDouble(), expectedBeta1 = c.GetProperty("beta1")[t].GetDouble();
            worstSchedule = Math.Max(worstSchedule, Math.Abs(group.LearningRate - expectedLr) / expectedLr);
            worstSchedule = Math.Max(worstSchedule, Math.Abs(group.Beta1 - expectedBeta1) / expectedBeta1);
            Assert.That(group.LearningRate, Is.EqualTo(expectedLr).Within(ScheduleTolerance * expectedLr), $"lr before step {t}");
            Assert.That(group.Beta1, Is.EqualTo(expectedBeta1).Within(ScheduleTolerance * expectedBeta1), $"β₁ before step {t}");

            var grads = c.GetProperty("gradients")[t];
            for (int k = 0; k < parameters.Length; k++) parameters[k].Grad = Tensor.FromArray(Floats(grads[k]));
            optimizer.Step();
            foreach (var s in schedulers) s.Step();

            var expected = c.GetProperty("parameters")[t];
            for (int k = 0; k < parameters.Length; k++)
            {
                var want = Floats(expected[k]);
                var got = parameters[k].Value.ToArray();
                for (int i = 0; i < want.Length; i++)
                {
                    double diff = Math.Abs(got[i] - want[i]);
                    worstParameter = Math.Max(worstParameter, diff / Math.Max(Math.Abs(want[i]), 0.1));
                    Assert.That(got[i], Is.EqualTo(want[i]),
                        $"{name}: parameter p{k}[{i}] after step {t + 1}: {got[i]:R} vs PyTorch {want[i]:R} (expected bit equality)");
                }
            }
        }
        TestContext.Out.WriteLine($"{name}: max relative difference: schedule {worstSchedule:E2}, parameters {worstParameter:E2}");
    }

    [Test]
    public void CoupledAndDecoupledDecayDivergeUnderTheSameSchedule()
    {
        // The same cosine schedule over Adam with L2 and over AdamW with the same λ: the trajectories must differ,
        // because the coupled gradient term is divided by √v̂ while the decoupled one is not.
        var c = Case("cosine");
        var init = c.GetProperty("initial")[1];
        var pa = new Parameter(Tensor.FromArray(Floats(init)), "w");
        var pw = new Parameter(Tensor.FromArray(Floats(init)), "w");
        var adam = new Adam([pa], learningRate: 1e-2, weightDecay: 0.1);
        var adamw = new AdamW([pw], learningRate: 1e-2, weightDecay: 0.1);
        var sa = new Scheduler(adam.ParameterGroups, new CosineAnnealing(0.01, 60, 1e-4));
        var sw = new Scheduler(adamw.ParameterGroups, new CosineAnnealing(0.01, 60, 1e-4));
        for (int t = 0; t < 60; t++)
        {
            var g = Floats(c.GetProperty("gradients")[t][1]);
            pa.Grad = Tensor.FromArray(g);
            pw.Grad = Tensor.FromArray(g);
            adam.Step();
            adamw.Step();
            sa.Step();
            sw.Step();
        }
        double maxDiff = pa.Value.ToArray().Zip(pw.Value.ToArray(), (a, b) => Math.Abs(a - b)).Max();
        Assert.That(maxDiff, Is.GreaterThan(1e-3), "Adam with L2 and AdamW must follow different paths when λ > 0");
    }
}

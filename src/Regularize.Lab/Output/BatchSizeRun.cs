namespace Regularize.Lab.Output;

/// <summary>One batch size of <c>batch-size</c>.</summary>
/// <param name="BatchSize">b, examples per step.</param>
/// <param name="StepsPerEpoch">⌈B / b⌉ (the last batch of an epoch may be smaller).</param>
/// <param name="TotalSteps">Steps of the whole run, the length of its schedule.</param>
/// <param name="LearningRate">The peak learning rate used at this batch size.</param>
/// <param name="WeightDecay">The λ used at this batch size.</param>
/// <param name="DecaySum">Σ lr(t)·λ over every step: for decoupled decay, the weights are shrunk by ∏(1 − lr(t)·λ) ≈ exp(−Σ).</param>
/// <param name="SecondsPerEpoch">The median over epochs of the training time of an epoch (steps only, no test evaluation).</param>
/// <param name="ExamplesPerSecond">Training examples per second at that median.</param>
/// <param name="Diverged">True when the loss became non-finite.</param>
/// <param name="Description">The optimizer and its settings.</param>
/// <param name="TrainSeconds">The training time of every epoch.</param>
/// <param name="Epochs">The metrics of every epoch.</param>
internal sealed record BatchSizeRun(int BatchSize, int StepsPerEpoch, long TotalSteps, double LearningRate, double WeightDecay, double DecaySum,
    double SecondsPerEpoch, double ExamplesPerSecond, bool Diverged, string Description, List<double> TrainSeconds, List<EpochRow> Epochs);

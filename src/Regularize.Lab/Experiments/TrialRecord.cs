using Regularize.Lab.Output;

namespace Regularize.Lab.Experiments;

/// <summary>
/// What the lab stores beside a trial's training checkpoint (as JSON in the metadata entry
/// <see cref="TrialCheckpoint.MetadataKey"/>): the settings and the trial it belongs to, and every epoch so far.
/// </summary>
/// <param name="Command">The lab command that ran the trial (<c>compare</c>).</param>
/// <param name="Settings">The data, model, length of training and seed.</param>
/// <param name="Variant">The variant's name.</param>
/// <param name="LearningRate">The peak learning rate.</param>
/// <param name="WeightDecay">The weight decay λ.</param>
/// <param name="DecayScaling">The decoupled decay's scaling, as <c>--decay-scaling</c> spells it.</param>
/// <param name="InitialDecayedWeightNorm">‖θ‖₂ of the decayed parameters before training.</param>
/// <param name="Epochs">The metrics of every finished epoch, in order.</param>
internal sealed record TrialRecord(string Command, RunSettings Settings, string Variant, double LearningRate, double WeightDecay,
    string DecayScaling, double InitialDecayedWeightNorm, List<EpochRow> Epochs);

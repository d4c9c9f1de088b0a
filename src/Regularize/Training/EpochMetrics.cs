namespace Regularize.Training;

/// <summary>What one epoch of <see cref="Trainer.Fit"/> measured.</summary>
/// <remarks>
/// The training loss and accuracy are averages over the epoch's batches (weighted by batch size), measured on
/// the fly in training mode before each step, as most training loops report them. The test figures are measured
/// after the epoch in evaluation mode without gradients. The weight norms are ‖θ‖₂ = √(Σ θᵢ²) at the end of the
/// epoch. The learning rate and weight decay are the values of parameter group 0 used by the epoch's last step.
/// Everything except the two times is a function of the seeds and the data only.
/// </remarks>
/// <param name="Epoch">The epoch, counting from 1 (on from a resumed checkpoint's epoch).</param>
/// <param name="Steps">Optimizer steps taken at the end of this epoch (<see cref="Trainer.StepCount"/>, which counts
/// the steps before a resumed checkpoint too).</param>
/// <param name="TrainLoss">Mean training loss over the epoch.</param>
/// <param name="TrainAccuracy">Fraction of training examples classified correctly during the epoch, in [0, 1].</param>
/// <param name="TestLoss">Mean loss on the test set, or NaN without a test set.</param>
/// <param name="TestAccuracy">Fraction of test examples classified correctly, in [0, 1], or NaN without a test set.</param>
/// <param name="WeightNorm">‖θ‖₂ over all parameters.</param>
/// <param name="DecayedWeightNorm">‖θ‖₂ over the parameters that weight decay applies to (see <see cref="Trainer.IsDecayed"/>).</param>
/// <param name="LearningRate">Parameter group 0's learning rate at the epoch's last step.</param>
/// <param name="WeightDecay">Parameter group 0's weight decay at the epoch's last step.</param>
/// <param name="Elapsed">Wall-clock time of the epoch, evaluation included.</param>
/// <param name="TotalElapsed">Wall-clock time since the start of <see cref="Trainer.Fit"/>.</param>
/// <param name="Diverged">True when training stopped in this epoch because the loss was not finite.</param>
public sealed record EpochMetrics(
    int Epoch,
    long Steps,
    double TrainLoss,
    double TrainAccuracy,
    double TestLoss,
    double TestAccuracy,
    double WeightNorm,
    double DecayedWeightNorm,
    double LearningRate,
    double WeightDecay,
    TimeSpan Elapsed,
    TimeSpan TotalElapsed,
    bool Diverged = false);

namespace Regularize.Training;

/// <summary>One batch of a learning-rate range test.</summary>
/// <param name="Step">The batch, counting from 0.</param>
/// <param name="LearningRate">The learning rate of the step (parameter group 0's).</param>
/// <param name="Loss">The batch's loss before the step.</param>
/// <param name="SmoothedLoss">The bias-corrected exponential moving average of the losses up to this batch.</param>
public sealed record LearningRatePoint(int Step, double LearningRate, double Loss, double SmoothedLoss);

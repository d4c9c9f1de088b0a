namespace Regularize.Lab.Commands;

/// <summary>One batch of the range test.</summary>
internal sealed record LrFindPoint(int Step, double LearningRate, double Loss, double SmoothedLoss);

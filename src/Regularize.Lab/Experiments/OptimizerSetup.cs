using Regularize.Optimizers;
using Regularize.Schedules;

namespace Regularize.Lab.Experiments;

/// <summary>An optimizer with its schedules, built for one run.</summary>
internal sealed record OptimizerSetup(Optimizer Optimizer, IReadOnlyList<Scheduler> Schedulers, ISchedule LearningRate, string Description);

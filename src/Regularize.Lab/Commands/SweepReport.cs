namespace Regularize.Lab.Commands;

/// <summary>A sweep result file: the whole grid, or one shard's part of it.</summary>
internal sealed record SweepReport(string Command, int FormatVersion, SweepGrid Grid, int ShardIndex, int ShardCount, List<SweepTrial> Trials);

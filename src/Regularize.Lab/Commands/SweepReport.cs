using System.Text.Json;
using Regularize.Lab.Cli;
using Regularize.Lab.Output;

namespace Regularize.Lab.Commands;

/// <summary>A sweep result file: the whole grid, or one shard's part of it.</summary>
internal sealed record SweepReport(string Command, int FormatVersion, SweepGrid Grid, int ShardIndex, int ShardCount, List<SweepTrial> Trials)
{
    /// <summary>The format version written and read.</summary>
    public const int Version = 1;

    /// <summary>
    /// Reads a sweep result, part or progress file and checks all of it (<see cref="Check"/>), so that nothing is
    /// written from a file that would fail half-way.
    /// </summary>
    public static SweepReport Read(string file)
    {
        SweepReport? report;
        try
        {
            report = JsonSerializer.Deserialize<SweepReport>(File.ReadAllText(file), ResultFiles.Json);
        }
        catch (JsonException e)
        {
            throw new LabException($"{file}: not a sweep result file: {LabApp.Describe(e).TrimEnd('.')}.", e);
        }
        if (report is null) throw Fail(file, "the document", "is null");
        report.Check(file);
        return report;
    }

    /// <summary>Checks every field; the message names the file and the field.</summary>
    public void Check(string file)
    {
        if (Command != "sweep") throw Fail(file, "command", $"is {Show(Command)}, not \"sweep\"");
        if (FormatVersion != Version) throw Fail(file, "formatVersion", $"is {FormatVersion}; this version reads {Version} only");
        if (Grid is null) throw Fail(file, "grid", "is missing or null");
        Grid.Check(file);
        if (ShardCount < 1) throw Fail(file, "shardCount", $"is {ShardCount}; it must be at least 1");
        if (ShardIndex < 0 || ShardIndex >= ShardCount) throw Fail(file, "shardIndex", $"is {ShardIndex}, outside [0, {ShardCount - 1}]");
        if (Trials is null) throw Fail(file, "trials", "is missing or null");
        int count = Grid.TrialCount, columns = Grid.WeightDecays.Length;
        var seen = new HashSet<int>();
        for (int k = 0; k < Trials.Count; k++)
        {
            string at = $"trials[{k}]";
            SweepTrial? t = Trials[k];
            if (t is null) throw Fail(file, at, "is null");
            if (t.Index < 0 || t.Index >= count) throw Fail(file, at + ".index", $"is {t.Index}, outside the grid's {count} trials");
            if (t.Index % ShardCount != ShardIndex) throw Fail(file, at + ".index", $"is {t.Index}, which is not in shard {ShardIndex}/{ShardCount}");
            if (!seen.Add(t.Index)) throw Fail(file, at + ".index", $"is {t.Index}, which an earlier trial already has");
            double lr = Grid.LearningRates[t.Index / columns], wd = Grid.WeightDecays[t.Index % columns];
            if (!t.LearningRate.Equals(lr) || !t.WeightDecay.Equals(wd))
            {
                throw Fail(file, at, $"has lr {ResultFiles.D(t.LearningRate)} and λ {ResultFiles.D(t.WeightDecay)}, " +
                    $"but trial {t.Index} of the grid has lr {ResultFiles.D(lr)} and λ {ResultFiles.D(wd)}");
            }
        }
    }

    /// <summary>A one-line error naming the file and the field.</summary>
    public static LabException Fail(string file, string field, string problem) => new($"{file}: {field} {problem}.");

    /// <summary>A value from the file, quoted for a message.</summary>
    public static string Show(string? value) => value is null ? "missing or null" : JsonSerializer.Serialize(value);
}

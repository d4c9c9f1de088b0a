using System.CommandLine;
using Regularize.Lab.Cli;

namespace Regularize.Lab.Experiments;

/// <summary>The options every training command takes, and their checks.</summary>
internal sealed class TrainingOptions
{
    private readonly bool _withBatchSize;

    /// <summary>Adds the options to <paramref name="command"/>; without <paramref name="withBatchSize"/> there is no
    /// <c>--batch-size</c> and <see cref="Read"/> gives <see cref="Variant.ReferenceBatchSize"/> (a command that chooses its own).</summary>
    public TrainingOptions(Command command, int epochs, string output, bool withBatchSize = true)
    {
        _withBatchSize = withBatchSize;
        Data = new Option<string?>("--data") { Description = "Folder with the four Fashion-MNIST IDX files (plain or .gz). Default: the shipped subset data/fashion-mnist." };
        Epochs = new Option<int>("--epochs") { Description = "Passes over the training set.", DefaultValueFactory = _ => epochs };
        BatchSize = new Option<int>("--batch-size") { Description = "Examples per step.", DefaultValueFactory = _ => Variant.ReferenceBatchSize };
        Hidden = new Option<int[]>("--hidden") { Description = "Hidden layer widths of the MLP, comma-separated.", CustomParser = Lists.Ints, DefaultValueFactory = _ => [256, 128] };
        Model = new Option<string>("--model") { Description = "The network: mlp (layers --hidden) or cnn (conv stages --channels, then --dense units).", DefaultValueFactory = _ => "mlp" };
        Model.AcceptOnlyFromAmong("mlp", "cnn");
        Channels = new Option<int[]>("--channels") { Description = "CNN only: output channels of each 3×3 conv stage (conv, batch norm, ReLU, 2×2 max-pool), comma-separated.", CustomParser = Lists.Ints, DefaultValueFactory = _ => [32, 64] };
        Dense = new Option<int>("--dense") { Description = "CNN only: units of the dense layer after the conv stages (followed by dropout 0.25).", DefaultValueFactory = _ => 128 };
        Augment = new Option<bool>("--augment") { Description = "Augment the training images as they are loaded: random crop (padding 2), horizontal flip (p = 0.5), random erasing (p = 0.5); seeded, resumable." };
        Seed = new Option<ulong>("--seed") { Description = "Seed of the initial weights and the data order.", DefaultValueFactory = _ => 1 };
        Threads = new Option<int>("--threads") { Description = "Threads to use (default: all cores).", DefaultValueFactory = _ => Environment.ProcessorCount };
        Out = new Option<string>("--out") { Description = "Output folder.", DefaultValueFactory = _ => output };
        foreach (var o in new Option[] { Data, Epochs, BatchSize, Model, Hidden, Channels, Dense, Augment, Seed, Threads, Out })
        {
            if (o != BatchSize || withBatchSize) command.Add(o);
        }
    }

    public Option<string?> Data { get; }

    public Option<int> Epochs { get; }

    public Option<int> BatchSize { get; }

    public Option<int[]> Hidden { get; }

    public Option<string> Model { get; }

    public Option<int[]> Channels { get; }

    public Option<int> Dense { get; }

    public Option<bool> Augment { get; }

    public Option<ulong> Seed { get; }

    public Option<int> Threads { get; }

    public Option<string> Out { get; }

    /// <summary>Reads and checks the values; the data folder is resolved but not loaded.</summary>
    public TrainingConfig Read(ParseResult parse)
    {
        int epochs = parse.GetValue(Epochs);
        int batch = _withBatchSize ? parse.GetValue(BatchSize) : Variant.ReferenceBatchSize; // an option not added reads as 0
        int[] hidden = parse.GetValue(Hidden) ?? [];
        if (epochs <= 0) throw new LabException($"--epochs must be positive, was {epochs}.");
        if (batch <= 0) throw new LabException($"--batch-size must be positive, was {batch}.");
        if (hidden.Any(h => h <= 0)) throw new LabException($"--hidden widths must be positive, were {string.Join(",", hidden)}.");
        string model = parse.GetValue(Model) ?? "mlp";
        int[] channels = parse.GetValue(Channels) ?? [];
        int dense = parse.GetValue(Dense);
        if (model == "cnn" && (channels.Length == 0 || channels.Any(c => c <= 0)))
        {
            throw new LabException($"--channels must be one or more positive widths, were {string.Join(",", channels)}.");
        }
        if (model == "cnn" && dense <= 0) throw new LabException($"--dense must be positive, was {dense}.");
        ReadThreads(parse);
        return new TrainingConfig(LabData.Resolve(parse.GetValue(Data)), epochs, batch, hidden, parse.GetValue(Seed), model, channels, dense, parse.GetValue(Augment));
    }

    public int ReadThreads(ParseResult parse)
    {
        int threads = parse.GetValue(Threads);
        if (threads <= 0) throw new LabException($"--threads must be positive, was {threads}.");
        return threads;
    }

    public string ReadOut(ParseResult parse)
    {
        string folder = parse.GetValue(Out)!;
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new LabException($"cannot create the output folder '{folder}': {LabApp.Describe(e)}", e);
        }
        return folder;
    }
}

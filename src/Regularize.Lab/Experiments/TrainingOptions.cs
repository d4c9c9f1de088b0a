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
        Data = new Option<string?>("--data", "-d") { Description = "Folder with the four Fashion-MNIST IDX files (plain or .gz). Default: the shipped subset data/fashion-mnist." };
        Epochs = new Option<int>("--epochs", "-e") { Description = "Passes over the training set.", DefaultValueFactory = _ => epochs };
        BatchSize = new Option<int>("--batch-size", "-b") { Description = "Examples per step.", DefaultValueFactory = _ => Variant.ReferenceBatchSize };
        Hidden = new Option<int[]?>("--hidden") { Description = Lists.WithDefault("Hidden layer widths of the MLP, comma-separated.", DefaultHidden), CustomParser = Lists.Ints };
        Model = new Option<string>("--model", "-m") { Description = "The network: mlp (layers --hidden), cnn (conv stages --channels, then --dense units) or resnet (residual stages --channels, stochastic depth --drop-path).", DefaultValueFactory = _ => "mlp" };
        Model.AcceptOnlyFromAmong("mlp", "cnn", "resnet");
        Channels = new Option<int[]?>("--channels")
        {
            Description = "CNN: output channels of each 3×3 conv stage (conv, batch norm, ReLU, 2×2 max-pool); ResNet: the stem's and each stage's width " +
                "(one basic block per stage, stride 2 from the second stage on); comma-separated. " +
                $"[default: {string.Join(",", TrainingConfig.DefaultCnnChannels)} for cnn, {string.Join(",", TrainingConfig.DefaultResNetChannels)} for resnet]",
            CustomParser = Lists.Ints,
        };
        Dense = new Option<int>("--dense") { Description = "CNN only: units of the dense layer after the conv stages (followed by dropout 0.25).", DefaultValueFactory = _ => 128 };
        DropPath = new Option<double?>("--drop-path")
        {
            Description = "ResNet only: the stochastic depth rate of the last block; block b of B drops its branch with probability P·b/(B − 1), from 0 for the first. In [0, 1). [default: 0; regularizers: 0.2 in its stochastic-depth arm]",
        };
        Augment = new Option<bool>("--augment") { Description = "Augment the training images as they are loaded: random crop (padding 2), horizontal flip (p = 0.5), random erasing (p = 0.5); seeded, resumable." };
        Seed = new Option<ulong>("--seed", "-s") { Description = "Seed of the initial weights and the data order.", DefaultValueFactory = _ => 1 };
        Threads = ThreadsOption();
        Out = OutputOption(output);
        foreach (var o in new Option[] { Data, Epochs, BatchSize, Model, Hidden, Channels, Dense, DropPath, Augment, Seed, Threads, Out })
        {
            if (o != BatchSize || withBatchSize) command.Add(o);
        }
    }

    public Option<string?> Data { get; }

    public Option<int> Epochs { get; }

    public Option<int> BatchSize { get; }

    /// <summary>The MLP's hidden widths when <c>--hidden</c> is not given.</summary>
    public static readonly int[] DefaultHidden = [256, 128];

    /// <summary><c>-t|--threads</c>: absent means all cores (help says so rather than showing the build machine's count).</summary>
    public static Option<int?> ThreadsOption() => new("--threads", "-t") { Description = "Threads to use [default: all cores]." };

    /// <summary><c>-o|--output</c>, the output folder.</summary>
    public static Option<string> OutputOption(string folder) => new("--output", "-o") { Description = "Output folder.", DefaultValueFactory = _ => folder };

    /// <summary>The value of a <see cref="ThreadsOption"/>: all cores when absent; a usage error unless positive.</summary>
    public static int ReadThreads(ParseResult parse, Option<int?> option)
    {
        int threads = parse.GetValue(option) ?? Environment.ProcessorCount;
        if (threads <= 0) throw LabException.Usage($"--threads must be positive, was {threads}.");
        return threads;
    }

    public Option<int[]?> Hidden { get; }

    public Option<string> Model { get; }

    public Option<int[]?> Channels { get; }

    public Option<int> Dense { get; }

    /// <summary><c>--drop-path</c>: absent reads as 0 (and lets <c>regularizers</c> choose its own rate for its stochastic depth arm).</summary>
    public Option<double?> DropPath { get; }

    public Option<bool> Augment { get; }

    public Option<ulong> Seed { get; }

    public Option<int?> Threads { get; }

    public Option<string> Out { get; }

    /// <summary>Reads and checks the values; the data folder is resolved but not loaded.</summary>
    public TrainingConfig Read(ParseResult parse)
    {
        int epochs = parse.GetValue(Epochs);
        int batch = _withBatchSize ? parse.GetValue(BatchSize) : Variant.ReferenceBatchSize; // an option not added reads as 0
        int[] hidden = Lists.Or(parse.GetValue(Hidden), DefaultHidden);
        if (epochs <= 0) throw LabException.Usage($"--epochs must be positive, was {epochs}.");
        if (batch <= 0) throw LabException.Usage($"--batch-size must be positive, was {batch}.");
        if (hidden.Any(h => h <= 0)) throw LabException.Usage($"--hidden widths must be positive, were {string.Join(",", hidden)}.");
        string model = parse.GetValue(Model) ?? "mlp";
        int[]? channels = parse.GetValue(Channels) is { Length: > 0 } given ? given : null;
        int dense = parse.GetValue(Dense);
        if (model is "cnn" or "resnet" && channels is not null && (channels.Length == 0 || channels.Any(c => c <= 0)))
        {
            throw LabException.Usage($"--channels must be one or more positive widths, were {string.Join(",", channels)}.");
        }
        if (model == "cnn" && dense <= 0) throw LabException.Usage($"--dense must be positive, was {dense}.");
        double dropPath = ReadDropPath(parse) ?? 0;
        ReadThreads(parse);
        return new TrainingConfig(LabData.Resolve(parse.GetValue(Data)), epochs, batch, hidden, parse.GetValue(Seed), model, channels, dense,
            parse.GetValue(Augment), dropPath);
    }

    /// <summary><c>--drop-path</c> as given (null when absent); a usage error unless it is in [0, 1) and the model is the ResNet.</summary>
    public double? ReadDropPath(ParseResult parse)
    {
        double? p = parse.GetValue(DropPath);
        if (p is not { } value) return null;
        if (!(value >= 0 && value < 1)) throw LabException.Usage($"--drop-path must be in [0, 1), was {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        string model = parse.GetValue(Model) ?? "mlp";
        if (model != "resnet") throw LabException.Usage($"--drop-path applies to --model resnet only, not {model}.");
        return value;
    }

    public int ReadThreads(ParseResult parse) => ReadThreads(parse, Threads);

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

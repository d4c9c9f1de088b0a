namespace Regularize.Lab.Experiments;

/// <summary>
/// What every run of a command shares: the data, the model, the length of training and the seed. <see cref="Model"/>
/// is <c>mlp</c> (layers <see cref="Hidden"/>), <c>cnn</c> (conv stages <see cref="Channels"/>, then a dense layer
/// of <see cref="Dense"/> units) or <c>resnet</c> (a stem and one basic residual block per width of
/// <see cref="Channels"/>, with stochastic depth up to <see cref="DropPath"/>). <see cref="Augment"/> switches on the
/// loader's random crop, flip and erasing.
/// </summary>
internal sealed record TrainingConfig(string DataFolder, int Epochs, int BatchSize, int[] Hidden, ulong Seed,
    string Model = "mlp", int[]? Channels = null, int Dense = 128, bool Augment = false, double DropPath = 0)
{
    /// <summary>The CNN's conv widths when <c>--channels</c> is not given (the issue's 32, 64).</summary>
    public static readonly int[] DefaultCnnChannels = [32, 64];

    /// <summary>The ResNet's stage widths when <c>--channels</c> is not given: a 16-channel stem and stages of 16, 32, 64.</summary>
    public static readonly int[] DefaultResNetChannels = [16, 32, 64];

    /// <summary>The conv widths of the CNN or the ResNet: <see cref="Channels"/>, or the model's default.</summary>
    public int[] ConvChannels => Channels ?? (Model == "resnet" ? DefaultResNetChannels : DefaultCnnChannels);

    /// <summary>The widths the result files record for the model: the MLP's hidden layers, the CNN's channels and dense
    /// units, or the ResNet's stage widths.</summary>
    public int[] Widths => Model switch
    {
        "cnn" => [.. ConvChannels, Dense],
        "resnet" => ConvChannels,
        _ => Hidden,
    };

    /// <summary>The model in one line, e.g. <c>MLP 784-256-128-10</c>, <c>CNN conv 32-64, dense 128, 10</c> or <c>ResNet 16-32-64 (…), 10</c>.</summary>
    public string Describe(int inputs, int classes = 10) => Model switch
    {
        "cnn" => $"CNN conv {string.Join("-", ConvChannels)} (3×3, batch norm, max-pool), dense {Dense}, {classes}",
        "resnet" => $"ResNet {string.Join("-", ConvChannels)} (stem and one basic block per stage), {classes}" +
            (DropPath > 0 ? $", stochastic depth up to {DropPath.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)}" : ""),
        _ => $"MLP {inputs}-{string.Join("-", Hidden)}-{classes}",
    } + (Augment ? ", augmented" : "");
}

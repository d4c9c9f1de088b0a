namespace Regularize.Lab.Experiments;

/// <summary>
/// What every run of a command shares: the data, the model, the length of training and the seed. <see cref="Model"/>
/// is <c>mlp</c> (layers <see cref="Hidden"/>) or <c>cnn</c> (conv stages <see cref="Channels"/>, then a dense layer
/// of <see cref="Dense"/> units). <see cref="Augment"/> switches on the loader's random crop, flip and erasing.
/// </summary>
internal sealed record TrainingConfig(string DataFolder, int Epochs, int BatchSize, int[] Hidden, ulong Seed,
    string Model = "mlp", int[]? Channels = null, int Dense = 128, bool Augment = false)
{
    /// <summary>The CNN's conv widths (the issue's 32, 64 unless given).</summary>
    public int[] ConvChannels => Channels ?? [32, 64];

    /// <summary>The model in one line, e.g. <c>MLP 784-256-128-10</c> or <c>CNN conv 32-64, dense 128, 10</c>.</summary>
    public string Describe(int inputs, int classes = 10) => (Model == "cnn"
        ? $"CNN conv {string.Join("-", ConvChannels)} (3×3, batch norm, max-pool), dense {Dense}, {classes}"
        : $"MLP {inputs}-{string.Join("-", Hidden)}-{classes}") + (Augment ? ", augmented" : "");
}

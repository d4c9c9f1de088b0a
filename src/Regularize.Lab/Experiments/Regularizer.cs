namespace Regularize.Lab.Experiments;

/// <summary>
/// One arm of the <c>regularizers</c> experiment: AdamW on the same model (the MLP, or the ResNet with
/// <c>--model resnet</c>), same seed and data order, with one regularizer switched on (or none). <see cref="Lambda"/> is
/// the weight decay λ of the <c>wd</c> arms and λ₁ of <c>l1</c>; <see cref="DropPath"/> the stochastic depth rate of
/// the last block in the ResNet's <c>stochastic-depth</c> arm.
/// </summary>
/// <param name="Name">The arm's name in tables, files and plots (<c>none</c>, <c>wd-0.1</c>, <c>dropout</c>, …).</param>
/// <param name="Kind">Which regularizer: none, wd, l1, dropout, label-smoothing, mixup, ema, swa, early-stopping, stochastic-depth (ResNet only).</param>
/// <param name="Lambda">λ (weight decay) or λ₁ (L1); 0 otherwise.</param>
/// <param name="Setting">The regularizer's hyperparameters in words.</param>
/// <param name="DropPath">The stochastic depth rate of the last block (<c>stochastic-depth</c> arm); 0 otherwise.</param>
internal sealed record Regularizer(string Name, string Kind, double Lambda, string Setting, double DropPath = 0)
{
    /// <summary>The stochastic depth arm's rate when <c>--drop-path</c> is not given.</summary>
    public const double DefaultDropPath = 0.2;

    public const double DropoutP = 0.3;
    public const double LabelSmoothing = 0.1;
    public const double MixupAlpha = 0.2;
    public const double EmaDecay = 0.998;
    public const double SwaStartFraction = 0.75;
    public const double SwaLearningRateFactor = 0.25;
    public const int SwaAnnealEpochs = 2;
    public const int EarlyStoppingPatience = 5;

    public bool IsWeightDecay => Kind == "wd";
}

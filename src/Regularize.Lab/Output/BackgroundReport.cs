namespace Regularize.Lab.Output;

/// <summary>The JSON summary of <c>regularize background</c>: the video, robust PCA's run, and each method's mask score.</summary>
internal sealed record BackgroundReport(string Command, string Video, int Frames, int Height, int Width, double Threshold,
    int Iterations, bool Converged, int Rank, double NonzeroFraction, double Residual, double Lambda, IReadOnlyList<BackgroundMethod> Methods);

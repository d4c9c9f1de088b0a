namespace Regularize.Lab.Output;

/// <summary>One method's foreground mask against the truth (NaN scores when the video has no truth).</summary>
internal sealed record BackgroundMethod(string Name, double Precision, double Recall, double F1, double Seconds);

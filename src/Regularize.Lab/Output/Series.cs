namespace Regularize.Lab.Output;

/// <summary>One line of a chart: a name for the legend and its points.</summary>
internal sealed record Series(string Name, double[] X, double[] Y, bool RightAxis = false, int Color = -1, bool Pale = false);

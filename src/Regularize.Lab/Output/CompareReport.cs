namespace Regularize.Lab.Output;

/// <summary>The JSON written by <c>compare</c>.</summary>
internal sealed record CompareReport(string Command, RunSettings Settings, string DecayScaling, List<VariantReport> Variants);

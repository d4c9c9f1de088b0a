namespace Regularize.Optimizers;

/// <summary>How weight decay enters an update kernel.</summary>
internal enum DecayKind : byte { None, Coupled, Decoupled }

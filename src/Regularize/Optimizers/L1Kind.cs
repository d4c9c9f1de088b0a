namespace Regularize.Optimizers;

/// <summary>How L1 enters an update kernel.</summary>
internal enum L1Kind : byte { None, Subgradient, Proximal }

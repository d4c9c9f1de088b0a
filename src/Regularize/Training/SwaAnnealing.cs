namespace Regularize.Training;

/// <summary>How <see cref="SwaLearningRate"/> moves from the starting learning rate to the SWA one.</summary>
public enum SwaAnnealing
{
    /// <summary>α(t) = (1 − cos πt)/2 (PyTorch's <c>anneal_strategy="cos"</c>, its default).</summary>
    Cosine,

    /// <summary>α(t) = t (PyTorch's <c>anneal_strategy="linear"</c>).</summary>
    Linear,
}

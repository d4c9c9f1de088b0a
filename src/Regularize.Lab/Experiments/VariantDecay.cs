namespace Regularize.Lab.Experiments;

/// <summary>Where a lab variant's coefficient enters its update, as the tables and descriptions show it.</summary>
internal enum VariantDecay
{
    /// <summary>Coupled L2: λθ is added to the gradient, so the rule's state sees it (sgd-l2, adam-l2).</summary>
    Coupled,

    /// <summary>Decoupled: θ shrunk by lr·λ (or ηₜ·λ with <c>--decay-scaling schedule</c>) outside the rule (sgdw, adamw, lion).</summary>
    Decoupled,

    /// <summary>The rule applies λ where its paper puts it (lamb: inside the update u that the trust ratio scales).</summary>
    InRule,

    /// <summary>The coefficient is an L1 λ₁ applied by soft-thresholding after each step, with no weight decay (sgd-l1, adam-l1).</summary>
    L1,
}

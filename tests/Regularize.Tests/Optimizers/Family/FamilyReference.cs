namespace Regularize.Tests.Optimizers.Family;

/// <summary>
/// Independent scalar references for the optimizer family of issue #12, one element at a time, float32 state,
/// per-step scalars in double where torch (or the paper's reference code) computes them in Python floats.
/// The eight torch optimizers reproduce torch 1.13's single-tensor path bit for bit on the committed fixture
/// (Fixtures/optim_family); the five paper optimizers follow the sources named in their doc comments.
/// </summary>
/// <remarks>
/// Usage, as the fixture tests do: keep one <see cref="FamilyState"/> per parameter, build the group's
/// <see cref="FamilyConfig"/> (<see cref="FamilyConfig.FromFixture"/> or <see cref="FamilyConfig.Defaults"/>
/// with <c>with { … }</c>), then call <see cref="Step"/> once per parameter per step; θ and the state are
/// updated in place. Adafactor needs the parameter's shape (it factors the last two dimensions); the others
/// treat the array as one tensor (LAMB and LARS take their norms over all of it).
/// </remarks>
internal static class FamilyReference
{
    /// <summary>All optimizer names <see cref="Step"/> accepts.</summary>
    public static IEnumerable<string> Optimizers => FamilyConfig.TorchOptimizers.Concat(FamilyConfig.PaperOptimizers);

    /// <summary>One step of <paramref name="optimizer"/> on one parameter.</summary>
    /// <param name="optimizer">A name from <see cref="Optimizers"/>.</param>
    /// <param name="config">The parameter's group settings.</param>
    /// <param name="theta">θ, updated in place (ScheduleFreeAdamW: the training point y).</param>
    /// <param name="grad">∇f at θ; not modified.</param>
    /// <param name="state">The parameter's state, created on the first step.</param>
    /// <param name="shape">The parameter's shape (Adafactor only); null means one dimension.</param>
    public static void Step(string optimizer, FamilyConfig config, float[] theta, float[] grad, FamilyState state, int[]? shape = null)
    {
        if (grad.Length != theta.Length)
            throw new ArgumentException($"{optimizer}: gradient length {grad.Length} differs from parameter length {theta.Length}.", nameof(grad));
        switch (optimizer)
        {
            case "RMSprop": RmsPropReference.Step(config, theta, grad, state); break;
            case "Adagrad": AdagradReference.Step(config, theta, grad, state); break;
            case "Adadelta": AdadeltaReference.Step(config, theta, grad, state); break;
            case "Adamax": AdamaxReference.Step(config, theta, grad, state); break;
            case "NAdam": NAdamReference.Step(config, theta, grad, state); break;
            case "RAdam": RAdamReference.Step(config, theta, grad, state); break;
            case "Rprop": RpropReference.Step(config, theta, grad, state); break;
            case "ASGD": AsgdReference.Step(config, theta, grad, state); break;
            case "Lion": LionReference.Step(config, theta, grad, state); break;
            case "LAMB": LambReference.Step(config, theta, grad, state); break;
            case "LARS": LarsReference.Step(config, theta, grad, state); break;
            case "ScheduleFreeAdamW": ScheduleFreeAdamWReference.Step(config, theta, grad, state); break;
            case "Adafactor": AdafactorReference.Step(config, theta, grad, state, shape ?? [theta.Length]); break;
            default: throw new ArgumentException($"Unknown optimizer '{optimizer}'.", nameof(optimizer));
        }
    }
}

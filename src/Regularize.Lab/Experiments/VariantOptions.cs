using System.CommandLine;
using Regularize.Regularization;

namespace Regularize.Lab.Experiments;

/// <summary>The <c>--decay-scaling</c> option of the decoupled variants.</summary>
internal static class VariantOptions
{
    public static Option<string> DecayScalingOption()
    {
        var option = new Option<string>("--decay-scaling")
        {
            Description = "What decoupled decay (sgdw, adamw, lion) multiplies λ by each step: 'lr' (the learning rate, as PyTorch) or 'schedule' (the schedule multiplier ηₜ = lr/peak lr, as Loshchilov & Hutter).",
            DefaultValueFactory = _ => "lr",
        };
        option.AcceptOnlyFromAmong("lr", "schedule");
        return option;
    }

    public static DecayScaling ReadDecayScaling(ParseResult parse, Option<string> option) =>
        parse.GetValue(option) == "schedule" ? DecayScaling.ScheduleMultiplier : DecayScaling.LearningRate;

    public static string Name(DecayScaling scaling) => scaling == DecayScaling.ScheduleMultiplier ? "schedule" : "lr";
}

using System.CommandLine;
using Regularize.Lab.Cli;
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

    /// <summary><c>-v|--variant</c> naming one variant (sweep, lr-find, batch-size).</summary>
    public static Option<string> VariantOption(string defaultName)
    {
        // Checked by Find rather than AcceptOnlyFromAmong, whose message lists the names on lines of their own.
        return new Option<string>("--variant", "-v") { Description = $"The variant: {string.Join(", ", Variant.Names)}.", DefaultValueFactory = _ => defaultName };
    }

    /// <summary><c>-v|--variant</c> naming one or more variants, comma-separated (compare).</summary>
    public static Option<string[]?> VariantsOption() => new("--variant", "-v")
    {
        Description = Lists.WithDefault($"Variants to train, comma-separated: {string.Join(", ", Variant.Names)}.", Variant.DefaultNames),
        CustomParser = Lists.Words,
    };

    /// <summary>The variant called <paramref name="name"/>; an unknown name is a usage error.</summary>
    public static Variant Find(string name)
    {
        try
        {
            return Variant.Find(name);
        }
        catch (LabException e)
        {
            throw LabException.Usage(e.Message);
        }
    }

    public static DecayScaling ReadDecayScaling(ParseResult parse, Option<string> option) =>
        parse.GetValue(option) == "schedule" ? DecayScaling.ScheduleMultiplier : DecayScaling.LearningRate;

    public static string Name(DecayScaling scaling) => scaling == DecayScaling.ScheduleMultiplier ? "schedule" : "lr";
}

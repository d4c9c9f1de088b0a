namespace Regularize.Schedules;

/// <summary>Argument checks shared by the schedules; every message names the argument and its value.</summary>
internal static class ScheduleGuard
{
    public static double Finite(double value, string name)
    {
        if (!double.IsFinite(value)) throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite, was {value}.");
        return value;
    }

    public static double NonNegative(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0) throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and >= 0, was {value}.");
        return value;
    }

    public static double Positive(double value, string name)
    {
        if (!double.IsFinite(value) || value <= 0) throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and > 0, was {value}.");
        return value;
    }

    public static long Positive(long value, string name)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(name, value, $"{name} must be > 0, was {value}.");
        return value;
    }

    public static double InClosedRange(double value, string name, double low, double high)
    {
        if (!double.IsFinite(value) || value < low || value > high)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{low}, {high}], was {value}.");
        return value;
    }

    public static void Step(long step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, $"step must be >= 0, was {step}.");
    }

    public static void Step(double step)
    {
        if (!double.IsFinite(step) || step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, $"step must be finite and >= 0, was {step}.");
    }
}

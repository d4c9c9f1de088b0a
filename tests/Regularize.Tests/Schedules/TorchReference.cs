using System.Text.Json;

namespace Regularize.Tests.Schedules;

/// <summary>Reads Fixtures/schedules/torch_schedules.json, written by generate.py next to it.</summary>
internal static class TorchReference
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "schedules", "torch_schedules.json"))));

    public static JsonElement Case(string name) => Document.Value.RootElement.GetProperty("cases").GetProperty(name);

    /// <summary>A series of doubles for group <paramref name="group"/> ("lr", "closed", "momentum" are lists per group).</summary>
    public static double[] Series(string name, string key, int group = 0) => Doubles(Case(name).GetProperty(key)[group]);

    public static double[] Flat(string name, string key) => Doubles(Case(name).GetProperty(key));

    public static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(ToDouble).ToArray();

    private static double ToDouble(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? e.GetString() switch
        {
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            var s => throw new FormatException($"unexpected number string '{s}'"),
        }
        : e.GetDouble();

    /// <summary>
    /// The largest relative difference max_t |actual − expected| / |expected| (absolute where expected is 0),
    /// and the step where it occurs.
    /// </summary>
    public static (double Max, int At) MaxRelative(IReadOnlyList<double> actual, IReadOnlyList<double> expected)
    {
        Assert.That(actual, Has.Count.EqualTo(expected.Count));
        double worst = 0;
        int at = -1;
        for (int t = 0; t < expected.Count; t++)
        {
            double e = expected[t], a = actual[t];
            double d = e == 0 ? Math.Abs(a) : Math.Abs(a - e) / Math.Abs(e);
            if (double.IsNaN(d)) d = double.PositiveInfinity;
            if (d > worst || at < 0) { worst = Math.Max(worst, d); at = t; }
        }
        return (worst, at);
    }

    /// <summary>Asserts the relative difference is within <paramref name="tolerance"/> and reports the measured value.</summary>
    public static void AssertClose(IReadOnlyList<double> actual, IReadOnlyList<double> expected, double tolerance, string what)
    {
        var (max, at) = MaxRelative(actual, expected);
        TestContext.Out.WriteLine($"{what}: max relative difference {max:E3} at step {at}");
        Assert.That(max, Is.LessThanOrEqualTo(tolerance),
            $"{what}: step {at}: actual {actual[at]:R}, expected {expected[at]:R}");
    }
}

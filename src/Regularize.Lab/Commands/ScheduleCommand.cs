using System.CommandLine;
using System.Globalization;
using System.Text;
using Regularize.Lab.Cli;
using Regularize.Lab.Experiments;
using Regularize.Lab.Output;
using Regularize.Schedules;

namespace Regularize.Lab.Commands;

/// <summary><c>regularize schedule KIND</c>: plots one schedule over a number of steps (PNG, SVG and CSV).</summary>
internal static class ScheduleCommand
{
    private sealed record Common(Option<long> Steps, Option<string> Out, Option<string?> Name, Option<int> Width, Option<int> Height);

    private sealed record Curve(string Title, ISchedule Schedule, ISchedule? Momentum = null);

    public static Command Build(LabConsole console)
    {
        var command = new Command("schedule", "Plot a learning-rate (or weight-decay) schedule: value against step, as PNG and SVG.");
        Add(command, console, "cosine", "Cosine annealing from --base to --floor over --t-max steps.", c =>
        {
            var b = Num(c, "--base", 0.1, "Value at step 0.");
            var floor = Num(c, "--floor", 0.0, "Value at step T (absolute, as PyTorch's eta_min).");
            var tMax = Int(c, "--t-max", 0, "T, the half period; 0 means --steps.");
            return p =>
            {
                long t = p.GetValue(tMax) is > 0 and var v ? v : p.GetValue(Steps(c))!;
                return new Curve($"cosine: base {F(p.GetValue(b))}, floor {F(p.GetValue(floor))}, T {t}",
                    new CosineAnnealing(p.GetValue(b), t, p.GetValue(floor)));
            };
        });
        Add(command, console, "sgdr", "Cosine annealing with warm restarts (SGDR): periods T0, T0·Tmult, ...", c =>
        {
            var b = Num(c, "--base", 0.1, "Value at the start of each period.");
            var t0 = Int(c, "--t0", 100, "The first period, in steps.");
            var tMult = Int(c, "--tmult", 2, "Each period is this many times the previous one.");
            var floor = Num(c, "--floor", 0.0, "Value at the end of each period.");
            return p => new Curve($"SGDR: base {F(p.GetValue(b))}, T0 {p.GetValue(t0)}, Tmult {p.GetValue(tMult)}",
                new CosineAnnealingWarmRestarts(p.GetValue(b), p.GetValue(t0), p.GetValue(tMult), p.GetValue(floor)));
        });
        Add(command, console, "warmup-cosine", "Linear warm-up from --start-factor·base to base, then cosine annealing to --floor at the last step.", c =>
        {
            var b = Num(c, "--base", 0.1, "The peak value, reached at the end of the warm-up.");
            var warmup = Int(c, "--warmup", 100, "Warm-up steps.");
            var start = Num(c, "--start-factor", 0.01, "The warm-up starts at this fraction of --base.");
            var floor = Num(c, "--floor", 0.0, "Value at the last step.");
            return p =>
            {
                long steps = p.GetValue(Steps(c));
                return new Curve($"warm-up + cosine: base {F(p.GetValue(b))}, warm-up {p.GetValue(warmup)}, floor {F(p.GetValue(floor))}",
                    LabSchedules.WarmupCosine(p.GetValue(b), p.GetValue(warmup), steps, p.GetValue(start), p.GetValue(floor)));
            };
        });
        Add(command, console, "one-cycle", "One-cycle (Smith): warm up to --max, anneal far below the start; momentum moves the other way.", c =>
        {
            var max = Num(c, "--max", 0.01, "The peak value.");
            var pct = Num(c, "--pct-start", 0.3, "Fraction of the steps spent rising.");
            var div = Num(c, "--div", 25, "Start value = max / div.");
            var finalDiv = Num(c, "--final-div", 1e4, "Final value = start / final-div.");
            var three = new Option<bool>("--three-phase") { Description = "Rise, fall back to the start, then anneal (fastai's three phases)." };
            c.Add(three);
            var anneal = new Option<string>("--anneal") { Description = "cosine or linear.", DefaultValueFactory = _ => "cosine" };
            anneal.AcceptOnlyFromAmong("cosine", "linear");
            c.Add(anneal);
            var baseM = Num(c, "--base-momentum", 0.85, "The momentum (or β₁) at the lr peak.");
            var maxM = Num(c, "--max-momentum", 0.95, "The momentum (or β₁) at the start and end.");
            return p =>
            {
                long steps = p.GetValue(Steps(c));
                var cycle = new OneCycle(p.GetValue(max), steps, p.GetValue(pct),
                    p.GetValue(anneal) == "linear" ? OneCycleAnnealing.Linear : OneCycleAnnealing.Cosine,
                    p.GetValue(div), p.GetValue(finalDiv), p.GetValue(three));
                return new Curve($"one-cycle: max {F(p.GetValue(max))}, pct-start {F(p.GetValue(pct))}{(p.GetValue(three) ? ", three-phase" : "")}",
                    cycle, cycle.MomentumCycle(p.GetValue(baseM), p.GetValue(maxM)));
            };
        });
        Add(command, console, "step", "Multiply by --gamma every --step-size steps.", c =>
        {
            var b = Num(c, "--base", 0.1, "Value at step 0.");
            var size = Int(c, "--step-size", 300, "Steps between drops.");
            var gamma = Num(c, "--gamma", 0.1, "Factor at each drop.");
            return p => new Curve($"step: base {F(p.GetValue(b))}, every {p.GetValue(size)} steps ×{F(p.GetValue(gamma))}",
                new StepSchedule(p.GetValue(b), p.GetValue(size), p.GetValue(gamma)));
        });
        Add(command, console, "multistep", "Multiply by --gamma at each milestone.", c =>
        {
            var b = Num(c, "--base", 0.1, "Value at step 0.");
            int[] defaultMilestones = [500, 750];
            var milestones = new Option<int[]?>("--milestones")
            {
                Description = Lists.WithDefault("Steps at which the value drops, comma-separated.", defaultMilestones),
                CustomParser = Lists.Ints,
            };
            c.Add(milestones);
            var gamma = Num(c, "--gamma", 0.1, "Factor at each milestone.");
            return p => new Curve($"multi-step: base {F(p.GetValue(b))}, milestones {string.Join(",", Lists.Or(p.GetValue(milestones), defaultMilestones))}, ×{F(p.GetValue(gamma))}",
                new MultiStepSchedule(p.GetValue(b), Lists.Or(p.GetValue(milestones), defaultMilestones).Select(m => (long)m), p.GetValue(gamma)));
        });
        Add(command, console, "exponential", "Multiply by --gamma every step.", c =>
        {
            var b = Num(c, "--base", 0.1, "Value at step 0.");
            var gamma = Num(c, "--gamma", 0.995, "Factor per step.");
            return p => new Curve($"exponential: base {F(p.GetValue(b))}, gamma {F(p.GetValue(gamma))}",
                new ExponentialSchedule(p.GetValue(b), p.GetValue(gamma)));
        });
        Add(command, console, "linear", "Linear change from --start-factor·base to --end-factor·base over --total steps, then constant.", c =>
        {
            var b = Num(c, "--base", 0.1, "The reference value.");
            var start = Num(c, "--start-factor", 1.0 / 3, "Factor at step 0.");
            var end = Num(c, "--end-factor", 1.0, "Factor from step --total on.");
            var total = Int(c, "--total", 0, "Steps of the ramp; 0 means half of --steps.");
            return p =>
            {
                long t = p.GetValue(total) is > 0 and var v ? v : Math.Max(1, p.GetValue(Steps(c)) / 2);
                return new Curve($"linear: base {F(p.GetValue(b))}, factor {F(p.GetValue(start))} → {F(p.GetValue(end))} over {t} steps",
                    new LinearSchedule(p.GetValue(b), p.GetValue(start), p.GetValue(end), t));
            };
        });
        Add(command, console, "polynomial", "Polynomial decay to 0 over --total steps: base·(1 − t/T)^power.", c =>
        {
            var b = Num(c, "--base", 0.1, "Value at step 0.");
            var total = Int(c, "--total", 0, "T; 0 means --steps.");
            var power = Num(c, "--power", 2.0, "The exponent.");
            return p =>
            {
                long t = p.GetValue(total) is > 0 and var v ? v : p.GetValue(Steps(c));
                return new Curve($"polynomial: base {F(p.GetValue(b))}, power {F(p.GetValue(power))}, T {t}",
                    new PolynomialSchedule(p.GetValue(b), t, p.GetValue(power)));
            };
        });
        Add(command, console, "cyclic", "Cyclical learning rate (Smith): triangles between --base and --peak.", c =>
        {
            var b = Num(c, "--base", 0.001, "The lower value.");
            var peak = Num(c, "--peak", 0.01, "The upper value.");
            var up = Int(c, "--up", 200, "Steps rising.");
            var down = Int(c, "--down", 0, "Steps falling; 0 means the same as --up.");
            var mode = new Option<string>("--mode") { Description = "triangular, triangular2 (halve each cycle) or exp-range.", DefaultValueFactory = _ => "triangular" };
            mode.AcceptOnlyFromAmong("triangular", "triangular2", "exp-range");
            c.Add(mode);
            var gamma = Num(c, "--gamma", 0.999, "Per-step factor of exp-range.");
            return p =>
            {
                var m = p.GetValue(mode) switch { "triangular2" => CyclicMode.Triangular2, "exp-range" => CyclicMode.ExpRange, _ => CyclicMode.Triangular };
                long? d = p.GetValue(down) is > 0 and var v ? v : null;
                return new Curve($"cyclic ({p.GetValue(mode)}): {F(p.GetValue(b))} ↔ {F(p.GetValue(peak))}, up {p.GetValue(up)}",
                    new CyclicSchedule(p.GetValue(b), p.GetValue(peak), p.GetValue(up), d, m, m == CyclicMode.ExpRange ? p.GetValue(gamma) : 1.0));
            };
        });
        return command;
    }

    // Options shared by every schedule kind, looked up on the subcommand they were added to.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Command, Common> s_common = new();

    private static Option<long> Steps(Command c) => s_common.TryGetValue(c, out var o) ? o.Steps : throw new InvalidOperationException();

    private static void Add(Command parent, LabConsole console, string kind, string description,
        Func<Command, Func<ParseResult, Curve>> define)
    {
        var c = new Command(kind, description);
        var steps = new Option<long>("--steps") { Description = "Number of steps to plot.", DefaultValueFactory = _ => 1000 };
        var output = TrainingOptions.OutputOption(Path.Combine("lab-output", "schedules"));
        var name = new Option<string?>("--name") { Description = "File name without extension (default: the kind)." };
        var width = new Option<int>("--width") { Description = "Image width in pixels.", DefaultValueFactory = _ => 600 };
        var height = new Option<int>("--height") { Description = "Image height in pixels.", DefaultValueFactory = _ => 300 };
        c.Add(steps);
        c.Add(output);
        c.Add(name);
        c.Add(width);
        c.Add(height);
        s_common.Add(c, new Common(steps, output, name, width, height));
        var curve = define(c);
        c.SetAction(parse =>
        {
            long n = parse.GetValue(steps);
            if (n < 2) throw LabException.Usage($"--steps must be at least 2, was {n}.");
            int w = parse.GetValue(width), h = parse.GetValue(height);
            if (w < 100 || h < 100) throw LabException.Usage($"--width and --height must be at least 100 pixels, were {w} and {h}.");
            Curve k;
            try
            {
                k = curve(parse);
            }
            catch (ArgumentException e)
            {
                throw LabException.Usage($"{kind}: {LabApp.Describe(e)}", e);
            }
            string folder = parse.GetValue(output)!;
            string baseName = Path.Combine(folder, parse.GetValue(name) ?? kind);
            var files = Write(baseName, k, n, w, h);
            foreach (var f in files) console.Line($"wrote {f}");
            return 0;
        });
        parent.Add(c);
    }

    private static List<string> Write(string baseName, Curve curve, long steps, int width, int height)
    {
        var x = new double[steps];
        var y = new double[steps];
        var m = curve.Momentum is null ? null : new double[steps];
        for (long t = 0; t < steps; t++)
        {
            x[t] = t;
            y[t] = curve.Schedule.At(t);
            if (m is not null) m[t] = curve.Momentum!.At(t);
        }
        var series = new List<Series> { new("value", x, y) };
        if (m is not null) series.Add(new Series("momentum / β₁ (right axis)", x, m, RightAxis: true));
        var files = new List<string>(Charts.Lines(baseName, curve.Title, "step", "value (e.g. learning rate)", series,
            rightLabel: m is null ? null : "momentum / β₁", width: width, height: height));

        var csv = new StringBuilder(m is null ? "step,value\n" : "step,value,momentum\n");
        for (long t = 0; t < steps; t++)
        {
            csv.Append(t).Append(',').Append(y[t].ToString("R", CultureInfo.InvariantCulture));
            if (m is not null) csv.Append(',').Append(m[t].ToString("R", CultureInfo.InvariantCulture));
            csv.Append('\n');
        }
        ResultFiles.WriteText(baseName + ".csv", csv.ToString());
        files.Add(baseName + ".csv");
        return files;
    }

    private static Option<double> Num(Command c, string name, double value, string description)
    {
        var o = new Option<double>(name) { Description = description, DefaultValueFactory = _ => value };
        c.Add(o);
        return o;
    }

    private static Option<long> Int(Command c, string name, long value, string description)
    {
        var o = new Option<long>(name) { Description = description, DefaultValueFactory = _ => value };
        c.Add(o);
        return o;
    }

    private static string F(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}

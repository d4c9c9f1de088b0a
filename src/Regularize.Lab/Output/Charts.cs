using System.Globalization;
using ScottPlot;

namespace Regularize.Lab.Output;

/// <summary>Line charts and heatmaps written as PNG and SVG with ScottPlot.</summary>
internal static class Charts
{
    public const int DefaultWidth = 800;
    public const int DefaultHeight = 450;

    /// <summary>
    /// Draws <paramref name="series"/> as lines and saves <c>{basePath}.png</c> and <c>{basePath}.svg</c>.
    /// With <paramref name="logX"/> (or <paramref name="logY"/>) the axis is logarithmic: values are plotted as
    /// log₁₀ and labelled as powers of ten; non-positive values are left out. <paramref name="xTicks"/>, if given,
    /// replaces the x axis's ticks by these positions and labels (for an axis of transformed values, such as log₂ b
    /// labelled with b). With <paramref name="integerX"/> the x axis has whole-number ticks only (epochs: a run of two
    /// epochs is labelled 1, 2, not 1.0, 1.2, …).
    /// </summary>
    public static IReadOnlyList<string> Lines(string basePath, string title, string xLabel, string yLabel, IReadOnlyList<Series> series,
        bool logX = false, bool logY = false, string? rightLabel = null, int width = DefaultWidth, int height = DefaultHeight,
        IReadOnlyList<(double X, string Label)>? markers = null, double? yMax = null, IReadOnlyList<(double X, string Label)>? xTicks = null,
        bool integerX = false) =>
        Save(LinesPlot(title, xLabel, yLabel, series, logX, logY, rightLabel, markers, yMax, xTicks, integerX), basePath, width, height);

    /// <summary>The plot <see cref="Lines"/> saves (for tests).</summary>
    internal static Plot LinesPlot(string title, string xLabel, string yLabel, IReadOnlyList<Series> series,
        bool logX = false, bool logY = false, string? rightLabel = null,
        IReadOnlyList<(double X, string Label)>? markers = null, double? yMax = null, IReadOnlyList<(double X, string Label)>? xTicks = null,
        bool integerX = false)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < series.Count; i++)
        {
            var s = series[i];
            var (x, y) = Transform(s.X, s.Y, logX, logY && !s.RightAxis);
            var line = plot.Add.ScatterLine(x, y, palette.GetColor(s.Color >= 0 ? s.Color : i));
            if (series.Count > 1) line.LegendText = s.Name;
            line.LineWidth = 2;
            line.MarkerSize = x.Length <= 30 ? 5 : 0;
            // Secondary lines are thin and pale rather than dashed: Skia's SVG backend cannot draw dash patterns.
            if (s.Pale || s.RightAxis)
            {
                line.LineWidth = 1.5f;
                line.Color = line.Color.WithAlpha(0.55);
                line.MarkerSize = Math.Min(line.MarkerSize, 3);
            }
            if (s.RightAxis) line.Axes.YAxis = plot.Axes.Right;
        }
        if (markers is not null)
        {
            for (int k = 0; k < markers.Count; k++)
            {
                var (mx, label) = markers[k];
                double at = logX ? Math.Log10(mx) : mx;
                var v = plot.Add.VerticalLine(at, 2f, palette.GetColor(k % 2 == 0 ? 3 : 2));
                v.LegendText = label;
            }
        }
        if (rightLabel is not null) plot.Axes.Right.Label.Text = rightLabel;
        if (yMax is { } top)
        {
            plot.Axes.AutoScale();
            plot.Axes.SetLimitsY(0, top);
        }
        if (logX) plot.Axes.Bottom.TickGenerator = LogTicks();
        else if (integerX) plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        if (xTicks is not null)
        {
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                xTicks.Select(t => logX ? Math.Log10(t.X) : t.X).ToArray(), xTicks.Select(t => t.Label).ToArray());
        }
        if (logY) plot.Axes.Left.TickGenerator = LogTicks();
        if (series.Count + (markers?.Count ?? 0) > 1)
        {
            plot.ShowLegend(rightLabel is null ? Edge.Right : Edge.Bottom);
        }
        else
        {
            plot.HideLegend();
        }
        return plot;
    }

    /// <summary>
    /// A heatmap of <paramref name="values"/>[row, column] (row 0 at the bottom) with each cell's value written in it,
    /// labelled columns and rows, and a colour bar; saved as PNG and SVG. NaN cells are grey.
    /// </summary>
    public static IReadOnlyList<string> Heatmap(string basePath, string title, string xLabel, string yLabel,
        IReadOnlyList<string> columnLabels, IReadOnlyList<string> rowLabels, double[,] values, string colorLabel, string cellFormat,
        (int Row, int Column)? highlight = null, int width = DefaultWidth, int height = 560)
    {
        int rows = values.GetLength(0), columns = values.GetLength(1);
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);

        // ScottPlot draws row 0 of the array at the top; flip so the first row sits at the bottom (y grows upwards).
        // A single row or column is padded with a NaN neighbour (outside the axis limits): cells are placed by centres.
        int paddedRows = Math.Max(rows, 2), paddedColumns = Math.Max(columns, 2);
        var flipped = new double[paddedRows, paddedColumns];
        for (int r = 0; r < paddedRows; r++)
        {
            for (int c = 0; c < paddedColumns; c++) flipped[paddedRows - 1 - r, c] = r < rows && c < columns ? values[r, c] : double.NaN;
        }
        var map = plot.Add.Heatmap(flipped);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        map.CellAlignment = Alignment.MiddleCenter; // cell (r, c) is centred on (c, r)
        map.Extent = new CoordinateRect(0, paddedColumns - 1, 0, paddedRows - 1);
        map.NaNCellColor = Colors.LightGray;
        var finite = Flatten(values).Where(double.IsFinite).ToArray();
        if (finite.Length > 0)
        {
            // Colours span the minimum to median + 2·(median − minimum), so a few failed cells do not wash out the
            // differences among the good ones; every cell's value is written in it.
            Array.Sort(finite);
            double lo = finite[0], median = finite[finite.Length / 2];
            double hi = Math.Min(finite[^1], median + 2 * (median - lo));
            if (hi - lo < 1e-12) hi = lo + 1e-12;
            map.ManualRange = new ScottPlot.Range(lo, hi);
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < columns; c++)
                {
                    double v = values[r, c];
                    string text = double.IsFinite(v) ? v.ToString(cellFormat, CultureInfo.InvariantCulture) : "n/a";
                    var label = plot.Add.Text(text, c, r);
                    label.LabelAlignment = Alignment.MiddleCenter;
                    label.LabelFontSize = 13;
                    bool bright = double.IsFinite(v) && Math.Min(1, (v - lo) / (hi - lo)) > 0.6;
                    label.LabelStyle.ForeColor = bright ? Colors.Black : Colors.White;
                    if (highlight is { } h && h.Row == r && h.Column == c) label.LabelBold = true;
                }
            }
        }
        var bar = plot.Add.ColorBar(map);
        bar.Label = colorLabel;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, columns).Select(i => (double)i).ToArray(), columnLabels.ToArray());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, rows).Select(i => (double)i).ToArray(), rowLabels.ToArray());
        plot.Axes.SetLimits(-0.5, columns - 0.5, -0.5, rows - 0.5);
        plot.HideGrid();
        return Save(plot, basePath, width, height);
    }

    private static IReadOnlyList<string> Save(Plot plot, string basePath, int width, int height)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(basePath));
        if (folder is not null) Directory.CreateDirectory(folder);
        string png = basePath + ".png", svg = basePath + ".svg";
        plot.SavePng(png, width, height);
        plot.SaveSvg(svg, width, height);
        return [png, svg];
    }

    private static (double[] X, double[] Y) Transform(double[] x, double[] y, bool logX, bool logY)
    {
        var xs = new List<double>(x.Length);
        var ys = new List<double>(y.Length);
        for (int i = 0; i < x.Length; i++)
        {
            double a = x[i], b = y[i];
            if (logX) a = a > 0 ? Math.Log10(a) : double.NaN;
            if (logY) b = b > 0 ? Math.Log10(b) : double.NaN;
            if (double.IsNaN(a)) continue;
            xs.Add(a);
            ys.Add(b);
        }
        return (xs.ToArray(), ys.ToArray());
    }

    private static ScottPlot.TickGenerators.NumericAutomatic LogTicks() => new()
    {
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = v => FormatPower(v),
    };

    private static string FormatPower(double exponent)
    {
        double value = Math.Pow(10, exponent);
        return value.ToString(value is >= 1e-3 and < 1e4 ? "0.###" : "0e0", CultureInfo.InvariantCulture);
    }

    private static IEnumerable<double> Flatten(double[,] values)
    {
        foreach (double v in values) yield return v;
    }
}

using ChatSupport.Questionnaires;
using ScottPlot;

namespace ChatSupport.Web.Reports;

/// <summary>
/// PNG charts of a report (ScottPlot): the symptomatic share by group over time, with an uploaded series (e.g.
/// confirmed cases) on a second axis as in Kanagawa's 「発熱者の割合と陽性患者数の比較」; the share of each option of a
/// choice question (preventive behaviours) over the range; the follow-up response rate over time. Suppressed values are
/// gaps, never zeros; the notes are vertical lines.
/// </summary>
public static class ReportCharts
{
    public static readonly string[] Kinds = ["symptomatic", "choices", "response-rate"];
    /// <summary>Lines beyond this many groups (the largest by residents) would be unreadable.</summary>
    public const int MaxLines = 8;

    public static byte[] Render(DailyReportData report, string kind, string locale, QuestionnaireDefinition? questionnaire, IReadOnlyList<(DateOnly Date, double Value)>? series, string? seriesName)
    {
        var ja = locale == "ja";
        var plot = new Plot();
        if (JapaneseFont() is { } font) plot.Font.Set(font);
        switch (kind)
        {
            case "symptomatic":
                TimeSeries(plot, report, "symptomatic", ja);
                plot.Title(ja ? "症状のある方の割合" : "Share of residents with symptoms");
                if (series is { Count: > 0 })
                {
                    var bars = plot.Add.Scatter(series.Select(p => p.Date.ToDateTime(TimeOnly.MinValue).ToOADate()).ToArray(), series.Select(p => p.Value).ToArray());
                    bars.Axes.YAxis = plot.Axes.Right;
                    bars.LineStyle.Pattern = LinePattern.Dashed;
                    bars.LegendText = seriesName ?? "series";
                    plot.Axes.Right.Label.Text = seriesName ?? "";
                }
                break;
            case "response-rate":
                TimeSeries(plot, report, "follow_ups_answered", ja);
                plot.Title(ja ? "フォローアップの回答率" : "Follow-up response rate");
                break;
            default:
                Choices(plot, report, questionnaire, locale);
                break;
        }
        foreach (var note in report.Notes)
        {
            var line = plot.Add.VerticalLine(note.Date.ToDateTime(TimeOnly.MinValue).ToOADate());
            line.LineStyle.Pattern = LinePattern.Dotted;
            line.Text = note.Kind;
            line.LabelOppositeAxis = true;
        }
        plot.ShowLegend(Alignment.UpperLeft);
        return plot.GetImageBytes(1000, 560, ImageFormat.Png);
    }

    private static void TimeSeries(Plot plot, DailyReportData report, string measure, bool ja)
    {
        var cells = report.Cells.Where(c => c.Measure == measure && c.Item == "").ToList();
        var days = Enumerable.Range(0, report.Query.To.DayNumber - report.Query.From.DayNumber + 1).Select(report.Query.From.AddDays).ToArray();
        // Versions are summed per day and group: a share across versions is their counts' share.
        var groups = cells.GroupBy(c => c.Group).OrderByDescending(g => g.Sum(c => c.N ?? c.Count ?? 0)).ThenBy(g => g.Key, StringComparer.Ordinal).Take(MaxLines);
        foreach (var group in groups)
        {
            var byDay = group.GroupBy(c => c.Date).ToDictionary(g => g.Key, g => g.All(c => c.Value is not null) ? g.Average(c => c.Value!.Value) : double.NaN);
            var ys = days.Select(d => byDay.TryGetValue(d, out var v) ? v * 100 : double.NaN).ToArray();
            var line = plot.Add.Scatter(days.Select(d => d.ToDateTime(TimeOnly.MinValue).ToOADate()).ToArray(), ys);
            line.LegendText = group.Key switch { "" => ja ? "全体" : "All", "unknown" => ja ? "不明" : "Unknown", var g => g };
        }
        plot.Axes.DateTimeTicksBottom();
        plot.YLabel("%");
    }

    private static void Choices(Plot plot, DailyReportData report, QuestionnaireDefinition? questionnaire, string locale)
    {
        var measure = report.Query.Measure ?? "choice:behaviours";
        var cells = report.Cells.Where(c => c.Measure == measure && c.Group == report.Cells.Select(x => x.Group).FirstOrDefault()).ToList();
        var completed = report.Cells.Where(c => c.Measure == "completed" && c.Group == cells.Select(x => x.Group).FirstOrDefault()).ToList();
        // Over the range: residents choosing the option on visible days / residents who completed on those days.
        var visibleDays = completed.Where(c => c.Count is > 0).Select(c => (c.Date, c.Version)).ToHashSet();
        var items = cells.Select(c => c.Item).Distinct().OrderBy(i => questionnaire?.FindQuestion(measure["choice:".Length..])?.Options.ToList().FindIndex(o => o.Id == i) ?? 0).ToList();
        var denominator = completed.Where(c => visibleDays.Contains((c.Date, c.Version))).Sum(c => c.Count ?? 0);
        var values = items.Select(i =>
        {
            var of = cells.Where(c => c.Item == i && visibleDays.Contains((c.Date, c.Version))).ToList();
            return denominator == 0 || of.Any(c => c.Count is null) ? 0 : 100.0 * of.Sum(c => c.Count!.Value) / denominator;
        }).ToArray();
        var bars = plot.Add.Bars(values);
        bars.Horizontal = true;
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, items.Count).Select(i => (double)i)],
            [.. items.Select(i => ReportDictionary.Label(questionnaire, measure, i, locale))]);
        plot.XLabel("%");
        plot.Title(locale == "ja" ? $"{questionnaire?.FindQuestion(measure["choice:".Length..])?.Text.Get("ja").Split('。')[0] ?? measure}（{report.Query.From:yyyy-MM-dd}〜{report.Query.To:yyyy-MM-dd}）"
            : $"{measure} ({report.Query.From:yyyy-MM-dd} – {report.Query.To:yyyy-MM-dd})");
    }

    /// <summary>A font with Japanese glyphs (IPA Gothic, Noto CJK…), if the machine has one; else ScottPlot's default.</summary>
    private static string? JapaneseFont()
    {
        foreach (var name in new[] { "IPAGothic", "IPAPGothic", "Noto Sans CJK JP", "Noto Sans JP", "TakaoGothic", "VL Gothic" })
            if (SkiaSharp.SKFontManager.Default.MatchFamily(name) is { } face && face.FamilyName == name) return name;
        return null;
    }
}

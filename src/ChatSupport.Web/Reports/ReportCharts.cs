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
                    var bars = plot.Add.Scatter(series.Select(p => X(p.Date)).ToArray(), series.Select(p => p.Value).ToArray());
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
        // Notes are days: they go on the time series (the bar chart's axis is a percentage).
        foreach (var note in kind == "choices" ? [] : report.Notes)
        {
            var line = plot.Add.VerticalLine(X(note.Date));
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
        var denominator = measure == "follow_ups_answered" ? "follow_ups_sent" : "completed";
        var of = report.Cells.Where(c => c.Measure == denominator && c.Item == "").ToLookup(c => (c.Group, c.Date));
        var days = Enumerable.Range(0, report.Query.To.DayNumber - report.Query.From.DayNumber + 1).Select(report.Query.From.AddDays).ToArray();
        var groups = cells.GroupBy(c => c.Group).OrderByDescending(g => of.Where(x => x.Key.Group == g.Key).SelectMany(x => x).Sum(c => c.Count ?? 0))
            .ThenBy(g => g.Key, StringComparer.Ordinal).Take(MaxLines);
        foreach (var group in groups)
        {
            // Versions of one day are added up: the day's share is their counts over their denominators, and a day with
            // any hidden count is a gap.
            var byDay = group.GroupBy(c => c.Date).ToDictionary(g => g.Key, g =>
            {
                var under = of[(group.Key, g.Key)].ToList();
                return g.Any(c => c.Count is null) || under.Count == 0 || under.Any(c => c.Count is null) || under.Sum(c => c.Count!.Value) == 0
                    ? double.NaN : (double)g.Sum(c => c.Count!.Value) / under.Sum(c => c.Count!.Value);
            });
            var ys = days.Select(d => byDay.TryGetValue(d, out var v) ? v * 100 : double.NaN).ToArray();
            if (ys.All(double.IsNaN)) continue; // hidden on every day: not in the legend either
            var line = plot.Add.Scatter(days.Select(X).ToArray(), ys);
            line.LegendText = group.Key switch { "" => ja ? "全体" : "All", "unknown" => ja ? "不明" : "Unknown", "other" => ja ? "その他" : "Other", var g => g };
        }
        // Days, not hours: the figures are daily; at most about ten labels.
        var step = Math.Max(1, (int)Math.Ceiling(days.Length / 10.0));
        var labelled = days.Where((_, i) => i % step == 0).ToArray();
        plot.Axes.Bottom.SetTicks([.. labelled.Select(X)],
            [.. labelled.Select(d => d.ToString("M/d", System.Globalization.CultureInfo.InvariantCulture))]);
        plot.YLabel("%");
    }

    private static void Choices(Plot plot, DailyReportData report, QuestionnaireDefinition? questionnaire, string locale)
    {
        var measure = report.Query.Measure ?? "choice:behaviours";
        // Overall (the API asks for the report without groups for this chart).
        var cells = report.Cells.Where(c => c.Measure == measure && c.Group == "").ToList();
        var completed = report.Cells.Where(c => c.Measure == "completed" && c.Group == "").ToList();
        // Over the range: residents choosing the option / residents who completed, on the days both are shown. An
        // option hidden on every day is marked, never drawn as a zero.
        var shownCompleted = completed.Where(c => c.Count is > 0).ToDictionary(c => (c.Date, c.Version), c => c.Count!.Value);
        var question = questionnaire?.FindQuestion(measure["choice:".Length..]);
        var items = cells.Select(c => c.Item).Distinct().OrderBy(i => question?.Options.ToList().FindIndex(o => o.Id == i) ?? 0).ToList();
        var shares = items.Select(i =>
        {
            var days = cells.Where(c => c.Item == i && c.Count is not null && shownCompleted.ContainsKey((c.Date, c.Version))).ToList();
            var of = days.Sum(c => shownCompleted[(c.Date, c.Version)]);
            return of == 0 ? (double?)null : 100.0 * days.Sum(c => c.Count!.Value) / of;
        }).ToList();
        var values = shares.Select(v => v ?? 0).ToArray();
        var hiddenMark = locale == "ja" ? "（秘匿）" : " (suppressed)";
        if (items.Count > 0)
        {
            var bars = plot.Add.Bars(values);
            bars.Horizontal = true;
            plot.Axes.Left.SetTicks([.. Enumerable.Range(0, items.Count).Select(i => (double)i)],
                [.. items.Select((i, n) => (question?.Options.FirstOrDefault(o => o.Id == i)?.Short?.Get(locale)
                    ?? ReportDictionary.Label(questionnaire, measure, i, locale)) + (shares[n] is null ? hiddenMark : ""))]);
        }
        plot.XLabel("%");
        var text = question?.Text.Get(locale) ?? measure;
        var cut = text.IndexOfAny(['を', '、', '？', '。', '?', ',']);
        var subject = cut > 0 ? text[..cut] : text;
        plot.Title(locale == "ja" ? $"{subject}（{report.Query.From:M/d}〜{report.Query.To:M/d}、回答者に占める割合）"
            : $"{subject} ({report.Query.From:M/d}–{report.Query.To:M/d}, share of respondents)");
    }

    /// <summary>A day on the charts' time axis.</summary>
    private static double X(DateOnly day) => day.ToDateTime(TimeOnly.MinValue).ToOADate();

    /// <summary>A font with Japanese glyphs (IPA Gothic, Noto CJK…), if the machine has one; else ScottPlot's default.</summary>
    private static string? JapaneseFont()
    {
        foreach (var name in new[] { "IPAGothic", "IPAPGothic", "Noto Sans CJK JP", "Noto Sans JP", "TakaoGothic", "VL Gothic" })
            if (SkiaSharp.SKFontManager.Default.MatchFamily(name) is { } face && face.FamilyName == name) return name;
        return null;
    }
}

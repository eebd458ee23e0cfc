using ChatSupport.Questionnaires;

namespace ChatSupport.Web.Reports;

/// <summary>One kind of figure: its names, its item, and how it is computed.</summary>
public sealed record MeasureDefinition(string Measure, string Ja, string En, string Item, string HowJa, string HowEn);

/// <summary>One column of the CSV and of the JSON rows.</summary>
public sealed record ColumnDefinition(string Name, string Ja, string Description);

/// <summary>
/// The data dictionary of the daily report: every column, every measure and how it is computed, and per questionnaire
/// the questions and options behind the <c>choice:</c> and <c>number:</c> measures with the versions whose figures
/// hold them. Served at <c>GET /api/reports/dictionary</c> (JSON, or Markdown with <c>format=md</c>).
/// </summary>
public static class ReportDictionary
{
    public static readonly IReadOnlyList<ColumnDefinition> Columns =
    [
        new("date", "日付", "The tenant-local day the figure counts (Asia/Tokyo unless the tenant says otherwise)."),
        new("questionnaire_version", "質問票の版", "The questionnaire version whose responses are counted; empty for follow-up invitations, which belong to no version."),
        new("dimension", "集計の軸", "all, area (municipality, or the first three digits of the postal code without an area table), health_area, age_band or elderly."),
        new("group", "区分", "The area, health-centre area or age band; 'unknown' when the resident gave no postal code or age; 'other' for a postal code outside the area table."),
        new("measure", "指標", "What is counted: see the measures below."),
        new("item", "項目", "The option, statistic, advice category or question the figure is about."),
        new("label", "項目名", "The item's label in the questionnaire (in the report's language), or the note's text."),
        new("count", "人数", "Residents (or responses, for dropped_after; reminders for reminders_sent). Empty when suppressed."),
        new("value", "値", "A share (0–1) for symptomatic, choice options and follow_ups_answered (response rate); a statistic for number: and answer_minutes. Empty when it would rest on a suppressed count."),
        new("n", "観測数", "How many observations a statistic rests on."),
        new("suppressed", "秘匿", "Set when the count is hidden: fewer than k (default 10) residents, or hidden so that no such count can be worked out from the totals."),
        new("note", "注記", "A change that alters the meaning of figures from this day: a new questionnaire version, a changed follow-up policy, or an official's note."),
    ];

    public static readonly IReadOnlyList<MeasureDefinition> Measures =
    [
        new("started", "回答を始めた人数", "Residents who started", "",
            "その日に回答を始めた住民の数（同じ人は1回）。", "Residents who began a response that day (each resident once)."),
        new("consented", "同意した人数", "Residents who consented", "",
            "その日に回答を始め、その日に同意した住民の数。", "Residents who began a response that day and gave their consent that day."),
        new("completed", "回答を終えた人数", "Residents who completed", "",
            "その日に回答を終えた住民の数。1日に2回以上答えた人は最後の回答で数えます。", "Residents who completed a response that day; a resident who answered twice is counted by the last response."),
        new("symptomatic", "症状のある人数（割合）", "Residents with symptoms (share)", "",
            "最後の回答で、質問票の reports.symptomatic の値が「はい」だった住民の数。値は回答を終えた人数に対する割合。",
            "Residents whose last response of the day had the questionnaire's reports.symptomatic value true; value is the share of those who completed."),
        new("choice:{question}", "選択肢ごとの人数（割合）", "Residents per option (share)", "option id",
            "最後の回答でその選択肢を選んだ住民の数（複数選択は選択肢ごとに数えます。はい・いいえの質問は yes/no）。値は回答を終えた人数に対する割合。",
            "Residents whose last response chose the option (multiple choice counts each option; yes/no questions count yes and no); value is the share of those who completed."),
        new("number:{question}", "数値の回答の統計", "Statistics of a numeric answer", "count, mean, q1, median, q3",
            "最後の回答の数値の、件数・平均・四分位（percentile_cont と同じ線形補間）。最小・最大は一人の回答そのものになりうるため出しません。件数が秘匿されると統計も秘匿します。",
            "Count, mean and quartiles (interpolated as percentile_cont) of the last response's numeric answers; no minimum or maximum (one resident's answer). Hidden with their count."),
        new("advice", "アドバイスの区分ごとの人数", "Residents per advice category", "advice category",
            "その日に終えた回答で、その区分のアドバイスを受けた住民の数。", "Residents given advice of the category in a response completed that day."),
        new("escalations", "エスカレーションの人数", "Residents escalated", "escalation category",
            "その日に終えた回答で、職員への連絡（エスカレーション）の対象になった住民の数。", "Residents whose response completed that day raised an escalation of the category."),
        new("dropped_after", "途中でやめた回答の数", "Responses dropped", "the last question answered, or (none)",
            "その日に始め、終わっていない回答の数を、最後に答えた質問ごとに数えます（(none) は最初の質問の前でやめたもの）。",
            "Responses begun that day and not completed, by the last question answered ((none): stopped before the first answer)."),
        new("follow_ups_sent", "フォローアップを送った人数", "Residents sent a follow-up", "",
            "その日にフォローアップの案内が届けられた住民の数（質問票の版によらないため版は空）。", "Residents to whom the day's follow-up invitation was sent (version is empty: invitations belong to no version)."),
        new("follow_ups_answered", "フォローアップに答えた人数（回答率）", "Residents who answered the follow-up (response rate)", "",
            "案内の後、その日のうちにフォローアップの質問票を終えた住民の数。値は送った人数に対する割合（回答率）。",
            "Residents who completed the follow-up questionnaire after the invitation, the same day; value is the response rate."),
        new("answer_minutes", "回答までの時間（分）", "Minutes to answer", "count, mean, q1, median, q3",
            "案内から回答を終えるまでの分数の統計。", "Statistics of the minutes from the invitation to the completed follow-up."),
        new("reminders_sent", "リマインドの数", "Reminders sent", "",
            "その日に送ったリマインドの数。", "Reminders sent that day."),
    ];

    public static MeasureDefinition? Find(string measure) =>
        Measures.FirstOrDefault(m => m.Measure == measure)
        ?? (measure.StartsWith("choice:", StringComparison.Ordinal) ? Measures.First(m => m.Measure == "choice:{question}")
            : measure.StartsWith("number:", StringComparison.Ordinal) ? Measures.First(m => m.Measure == "number:{question}") : null);

    /// <summary>The label of a figure's item in a locale: the option's label, the question's text for <c>dropped_after</c>, else the item.</summary>
    public static string Label(QuestionnaireDefinition? questionnaire, string measure, string item, string locale)
    {
        if (questionnaire is null) return item;
        if (measure.StartsWith("choice:", StringComparison.Ordinal) && questionnaire.FindQuestion(measure["choice:".Length..]) is { } q)
        {
            if (q.Type == QuestionType.YesNo) return item == "yes" ? (locale == "ja" ? "はい" : "Yes") : (locale == "ja" ? "いいえ" : "No");
            return q.Options.FirstOrDefault(o => o.Id == item) is { } option ? option.Label.Get(locale) : item;
        }
        if (measure == "dropped_after" && questionnaire.FindQuestion(item) is { } asked) return Shorten(asked.Text.Get(locale));
        return item;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..39] + "…";

    /// <summary>The dictionary as Markdown: columns, measures, and each questionnaire's questions with the versions counted.</summary>
    /// <remarks>Without <paramref name="versions"/> (the document in dialogs/), the versions counted are left to the endpoint.</remarks>
    public static string Markdown(IEnumerable<QuestionnaireDefinition> questionnaires, IReadOnlyDictionary<string, IReadOnlyList<string>>? versions)
    {
        var md = new System.Text.StringBuilder();
        md.AppendLine("# 日次集計のデータ辞書 / Data dictionary of the daily figures").AppendLine();
        md.AppendLine("Generated from the code (`ReportDictionary`) and the questionnaires; `GET /api/reports/dictionary?format=md` serves it with the versions counted.").AppendLine();
        md.AppendLine("## 列 / Columns").AppendLine().AppendLine("| column | 列名 | description |").AppendLine("|---|---|---|");
        foreach (var c in Columns) md.AppendLine($"| {c.Name} | {c.Ja} | {c.Description} |");
        md.AppendLine().AppendLine("## 指標 / Measures").AppendLine().AppendLine("| measure | 名称 | name | item | 計算方法 | how it is computed |").AppendLine("|---|---|---|---|---|---|");
        foreach (var m in Measures) md.AppendLine($"| {m.Measure} | {m.Ja} | {m.En} | {m.Item} | {m.HowJa} | {m.HowEn} |");
        foreach (var q in questionnaires.OrderBy(q => q.Id, StringComparer.Ordinal))
        {
            md.AppendLine().AppendLine($"## {q.Id}（{q.Title.Get("ja")}）").AppendLine();
            md.AppendLine($"- 現在の版 / current version: {q.Version}");
            md.AppendLine(versions is null
                ? "- 集計済みの版 / versions counted: see `GET /api/reports/dictionary`"
                : $"- 集計済みの版 / versions counted: {string.Join(", ", versions.GetValueOrDefault(q.Id) ?? [])}");
            md.AppendLine($"- symptomatic: {q.Reports.Symptomatic ?? "(none)"}; area from: {q.Reports.AreaQuestion}; age from: {q.Reports.AgeQuestion}").AppendLine();
            md.AppendLine("| measure | 質問 | options |").AppendLine("|---|---|---|");
            foreach (var question in q.Questions)
            {
                var measure = question.Type switch
                {
                    QuestionType.Single or QuestionType.Multiple or QuestionType.YesNo => "choice:" + question.Id,
                    QuestionType.Integer or QuestionType.Decimal => "number:" + question.Id,
                    _ => null,
                };
                if (measure is null) continue;
                var options = question.Type == QuestionType.YesNo ? "yes, no" : string.Join(", ", question.Options.Select(o => $"{o.Id}（{o.Label.Get("ja")}）"));
                md.AppendLine($"| {measure} | {Shorten(question.Text.Get("ja")).Replace("|", "｜", StringComparison.Ordinal)} | {options} |");
            }
        }
        return md.ToString();
    }
}

using ChatSupport.Persistence;
using ChatSupport.Persistence.Reports;
using ChatSupport.Questionnaires;
using Microsoft.EntityFrameworkCore;

namespace ChatSupport.Web.Reports;

public sealed record ReportQuery(string Tenant, string Questionnaire, DateOnly From, DateOnly To, string GroupBy, string? Measure);

/// <summary>A figure as reported: a suppressed count has no count, and a share or statistic resting on one has no value.</summary>
public sealed record ReportCell(DateOnly Date, string Version, string Group, string Measure, string Item, long? Count, double? Value, long? N, bool Suppressed);

public sealed record ReportNote(DateOnly Date, string Kind, string Text);

public sealed class ReportTooLargeException() : Exception($"More than {DailyReport.MaxRows} figures: narrow the dates, the grouping or the measure.");

public sealed record DailyReportData(ReportQuery Query, int K, bool Published, IReadOnlyList<ReportCell> Cells, IReadOnlyList<ReportNote> Notes);

/// <summary>
/// Reads a report from <c>daily_figures</c> (never from the answers): the dimension asked for, suppressed cells without
/// their numbers, shares (symptomatic, choices, response rate) computed from visible counts only, and the notes of the range.
/// </summary>
public static class DailyReport
{
    public static readonly string[] GroupBys = ["none", "area", "health_area", "age_band", "elderly"];
    /// <summary>More figures than this in one report is a request to narrow (a year of every measure by area is about a million).</summary>
    public const int MaxRows = 400_000;

    public static async Task<DailyReportData> ReadAsync(ChatSupportDbContext db, ReportQuery query, ReportTenant tenant, QuestionnaireCatalog catalog, CancellationToken ct)
    {
        var dimension = query.GroupBy == "none" ? "all" : query.GroupBy;
        var figures = db.DailyFigures.AsNoTracking().Where(f => f.TenantId == query.Tenant && f.QuestionnaireId == query.Questionnaire
            && f.LocalDate >= query.From && f.LocalDate <= query.To && f.Dimension == dimension);
        // One measure comes with its denominator: a share needs it, and a reader of the figures too.
        var needed = query.Measure is { } measure ? new List<string> { measure, measure == "follow_ups_answered" ? "follow_ups_sent" : "completed" } : null;
        if (needed is not null) figures = figures.Where(f => needed.Contains(f.Measure));
        var rows = await figures // ordered below, byte by byte
            .Select(f => new { f.LocalDate, f.QuestionnaireVersion, f.GroupKey, f.Measure, f.Item, f.Count, f.Value, f.N, f.Suppressed, f.K })
            .Take(MaxRows + 1).ToListAsync(ct);
        if (rows.Count > MaxRows) throw new ReportTooLargeException();
        var published = await db.ReportPublications.AsNoTracking().AnyAsync(p => p.TenantId == query.Tenant && p.QuestionnaireId == query.Questionnaire && p.Published, ct);

        // Days counted under another threshold are withheld whole until they are counted again (a backfill is due).
        var stale = rows.Where(r => r.K != tenant.K).Select(r => r.LocalDate).ToHashSet();
        var hasSymptomatic = catalog.Find(query.Questionnaire)?.Reports.Symptomatic is not null;
        var key = rows.ToDictionary(r => (r.LocalDate, r.QuestionnaireVersion, r.GroupKey, r.Measure, r.Item));
        long? Visible(DateOnly d, string v, string g, string m, string i) =>
            key.TryGetValue((d, v, g, m, i), out var r) ? (r.Suppressed || stale.Contains(d) ? null : r.Count) : 0;
        double? Share(long? count, long? of) => count is { } c && of is > 0 ? (double)c / of.Value : null;

        var cells = new List<ReportCell>();
        foreach (var r in rows)
        {
            var hidden = r.Suppressed || stale.Contains(r.LocalDate);
            var count = hidden ? null : r.Count;
            var value = hidden ? null : r.Value;
            if (r.Measure == "symptomatic" || r.Measure.StartsWith("choice:", StringComparison.Ordinal))
                value = Share(count, Visible(r.LocalDate, r.QuestionnaireVersion, r.GroupKey, "completed", ""));
            else if (r.Measure == "follow_ups_answered")
                value = Share(count, Visible(r.LocalDate, r.QuestionnaireVersion, r.GroupKey, "follow_ups_sent", ""));
            cells.Add(new ReportCell(r.LocalDate, r.QuestionnaireVersion, r.GroupKey, r.Measure, r.Item, count, value, hidden ? null : r.N, hidden));
        }
        // Nobody with symptoms is a zero, not a missing row: a share of 0 where residents completed.
        if (hasSymptomatic && (query.Measure is null or "symptomatic"))
            foreach (var c in rows.Where(r => r.Measure == "completed" && r.Item == "").Where(r => !key.ContainsKey((r.LocalDate, r.QuestionnaireVersion, r.GroupKey, "symptomatic", ""))))
            {
                var completed = Visible(c.LocalDate, c.QuestionnaireVersion, c.GroupKey, "completed", "");
                cells.Add(new ReportCell(c.LocalDate, c.QuestionnaireVersion, c.GroupKey, "symptomatic", "", completed is null ? null : 0, completed is > 0 ? 0 : null, null, completed is null));
            }
        // Ordinal: culture-aware comparison of Japanese text costs more than the whole query.
        cells.Sort((a, b) => a.Date != b.Date ? a.Date.CompareTo(b.Date)
            : string.CompareOrdinal(a.Version, b.Version) is not 0 and var v ? v
            : string.CompareOrdinal(a.Group, b.Group) is not 0 and var g ? g
            : string.CompareOrdinal(a.Measure, b.Measure) is not 0 and var m ? m
            : string.CompareOrdinal(a.Item, b.Item));

        var notes = await NotesAsync(db, query, tenant, ct);
        notes.AddRange(stale.Order().Select(d => new ReportNote(d, "recount", "閾値の変更により再集計待ち（この日の数値は表示しません） / Awaiting a recount under the new threshold: this day's figures are withheld")));
        notes.Sort((a, b) => a.Date != b.Date ? a.Date.CompareTo(b.Date) : string.CompareOrdinal(a.Kind, b.Kind));
        return new DailyReportData(query, tenant.K, published, cells, notes);
    }

    /// <summary>The changes that alter the meaning of figures in the range: a new version, a changed follow-up policy, an official's note.</summary>
    private static async Task<List<ReportNote>> NotesAsync(ChatSupportDbContext db, ReportQuery query, ReportTenant tenant, CancellationToken ct)
    {
        var notes = new List<ReportNote>();
        // A version's first day: it has figures that day and had none the day before (the range and the day before it are read).
        var seen = await db.DailyFigures.AsNoTracking()
            .Where(f => f.TenantId == query.Tenant && f.QuestionnaireId == query.Questionnaire && f.Measure == "started" && f.Dimension == "all"
                && f.LocalDate >= query.From.AddDays(-1) && f.LocalDate <= query.To && f.QuestionnaireVersion != "")
            .Select(f => new { f.LocalDate, f.QuestionnaireVersion }).ToListAsync(ct);
        var versionsByDay = seen.GroupBy(f => f.LocalDate).ToDictionary(g => g.Key, g => g.Select(f => f.QuestionnaireVersion).ToHashSet(StringComparer.Ordinal));
        foreach (var (day, versions) in versionsByDay.Where(d => d.Key >= query.From).OrderBy(d => d.Key))
            foreach (var version in versions.Order(StringComparer.Ordinal))
                if (versionsByDay.TryGetValue(day.AddDays(-1), out var before) && !before.Contains(version))
                    notes.Add(new ReportNote(day, "version", $"質問票の版 {version} の回答の集計を開始 / Responses to version {version} counted from this day"));

        var revisions = await db.QuestionnaireRevisions.AsNoTracking().Where(r => r.QuestionnaireId == query.Questionnaire).ToListAsync(ct);
        string? previous = null;
        foreach (var r in revisions.OrderBy(r => r.FirstSeenAt))
        {
            var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(r.FirstSeenAt, tenant.Zone).DateTime);
            if (previous is not null && previous != r.PolicyHash && day >= query.From && day <= query.To)
                notes.Add(new ReportNote(day, "policy", $"フォローアップの方針を変更（版 {r.Version}） / Follow-up policy changed (version {r.Version})"));
            previous = r.PolicyHash;
        }

        notes.AddRange(await db.ReportAnnotations.AsNoTracking()
            .Where(a => a.TenantId == query.Tenant && a.QuestionnaireId == query.Questionnaire && a.LocalDate >= query.From && a.LocalDate <= query.To)
            .Select(a => new ReportNote(a.LocalDate, a.Kind, a.Text)).ToListAsync(ct));
        return notes;
    }

    /// <summary>The versions whose figures exist, per questionnaire (for the data dictionary).</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> VersionsAsync(ChatSupportDbContext db, CancellationToken ct)
    {
        var pairs = await db.DailyFigures.AsNoTracking().Where(f => f.QuestionnaireVersion != "" && f.Dimension == "all" && f.Measure == "started")
            .Select(f => new { f.QuestionnaireId, f.QuestionnaireVersion }).Distinct().ToListAsync(ct);
        return pairs.GroupBy(p => p.QuestionnaireId).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(p => p.QuestionnaireVersion).Order(StringComparer.Ordinal)]);
    }
}

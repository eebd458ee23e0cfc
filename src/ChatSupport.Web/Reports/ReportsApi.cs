using System.Globalization;
using System.Security.Claims;
using ChatSupport.Persistence;
using ChatSupport.Questionnaires;
using ChatSupport.Web.Access;
using ChatSupport.Web.Hosting;
using Hangfire;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace ChatSupport.Web.Reports;

public sealed record ReportJson(string Tenant, string Questionnaire, DateOnly From, DateOnly To, string GroupBy, int K, bool Published,
    IReadOnlyList<ReportRowJson> Rows, IReadOnlyList<ReportNote> Notes);

public sealed record ReportRowJson(DateOnly Date, string Version, string Group, string Measure, string Item, string Label, long? Count, double? Value, long? N, bool Suppressed);

public sealed record AnnotationRequest(string Tenant, string Questionnaire, DateOnly Date, string Text, string? Kind);

public sealed record PublicationRequest(bool Published);

public sealed record BackfillRequest(string Tenant, DateOnly From, DateOnly To);

/// <summary>
/// Officials' reports (role <c>official</c>): the daily figures as JSON, CSV (UTF-8 with BOM, Japanese headers with
/// <c>lang=ja</c>) or PNG charts; uploaded series; notes; the publishing switch. Staff: backfill. Anyone: the data
/// dictionary, and the open data of published reports. Every pull is written to the audit log (a refused open-data
/// request is counted in <see cref="RefusalMetrics"/> instead).
/// </summary>
public static class ReportsApi
{
    public const int MaxDays = 366;
    /// <summary>The open data's range per request: three months (officials may ask for a year).</summary>
    public const int MaxOpenDataDays = 92;
    public const string OpenDataRateLimit = "open-data";
    /// <summary>Dates outside these are refused (a mistyped year, not a report).</summary>
    public static readonly DateOnly Earliest = new(2000, 1, 1), Latest = new(2100, 12, 31);

    public static void MapReportsApi(this IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup("/api/reports").WithTags("Reports");
        reports.MapGet("/daily", (HttpContext http, CancellationToken ct) => DailyAsync(http, open: false, ct)).RequireAuthorization(Roles.Official);
        reports.MapGet("/dictionary", DictionaryAsync).AllowAnonymous();
        reports.MapPut("/series/{tenant}/{name}", UploadSeriesAsync).RequireAuthorization(Roles.Official);
        reports.MapGet("/series/{tenant}/{name}", SeriesAsync).RequireAuthorization(Roles.Official);
        reports.MapPost("/annotations", AnnotateAsync).RequireAuthorization(Roles.Official);
        reports.MapPut("/publication/{tenant}/{questionnaire}", PublishAsync).RequireAuthorization(Roles.Official);
        app.MapGet("/api/open-data/daily", (HttpContext http, CancellationToken ct) => DailyAsync(http, open: true, ct)).AllowAnonymous().WithTags("Open data")
            .RequireRateLimiting(OpenDataRateLimit);
        app.MapPost("/api/staff/reports/backfill", Backfill).RequireAuthorization(Roles.Staff).WithTags("Reports");
    }

    private static IResult Problem(int status, string title, string? detail = null) => TypedResults.Problem(title: title, detail: detail, statusCode: status);

    /// <summary>404 for a tenant that is not there, 403 for a key limited to another one; null when the caller may go on.</summary>
    private static IResult? Refusal(HttpContext http, ReportTenants tenants, string tenant) =>
        !tenants.Exists(tenant) ? Problem(404, $"No tenant '{tenant}'.")
        : !Roles.MaySee(http.User, tenant) ? Problem(403, "This key is limited to another tenant.")
        : null;

    /// <summary>What an audit row is about: tenant/report, cut to the column's 64 characters.</summary>
    private static string Subject(string tenant, string what) => $"{tenant}/{what}";

    private static async Task<IResult> DailyAsync(HttpContext http, bool open, CancellationToken ct)
    {
        var services = http.RequestServices;
        var tenants = services.GetRequiredService<ReportTenants>();
        var catalog = services.GetRequiredService<QuestionnaireCatalog>();
        var clock = services.GetRequiredService<TimeProvider>();
        var q = http.Request.Query;
        var tenantId = q["tenant"].FirstOrDefault() ?? (open ? null : Roles.TenantOf(http.User)) ?? (tenants.Ids.Count() == 1 ? tenants.Ids.Single() : null);
        if (tenantId is null) return Problem(400, "tenant is required.", "Name the tenant, e.g. tenant=kanagawa.");
        if (Refusal(http, tenants, tenantId) is { } refusal) return refusal; // the open data's callers have no key, so no tenant limit
        var tenant = tenants.Get(tenantId);
        var questionnaireId = q["questionnaire"].FirstOrDefault() ?? services.GetRequiredService<Microsoft.Extensions.Options.IOptions<QuestionnaireBotOptions>>().Value.DefaultQuestionnaire;
        var questionnaire = catalog.Find(questionnaireId);
        var yesterday = tenant.Yesterday(clock.GetUtcNow());
        if (!TryDate(q["from"], yesterday, out var from) || !TryDate(q["to"], from > yesterday ? from : yesterday, out var to))
            return Problem(400, "from and to are dates (yyyy-MM-dd).");
        if (from < Earliest || to > Latest) return Problem(400, $"Dates are between {Earliest:yyyy-MM-dd} and {Latest:yyyy-MM-dd}.");
        if (to < from) return Problem(400, "to is before from.");
        var maxDays = open ? MaxOpenDataDays : MaxDays;
        if (to.DayNumber - from.DayNumber + 1 > maxDays) return Problem(400, $"At most {maxDays} days per request.");
        var groupBy = q["groupBy"].FirstOrDefault() ?? q["group_by"].FirstOrDefault() ?? "none";
        if (!DailyReport.GroupBys.Contains(groupBy)) return Problem(400, $"groupBy is one of {string.Join(", ", DailyReport.GroupBys)}.");
        var format = q["format"].FirstOrDefault() ?? "json";
        if (format is not ("json" or "csv" or "png") || (open && format == "png")) return Problem(400, open ? "format is json or csv." : "format is json, csv or png.");
        var lang = q["lang"].FirstOrDefault() ?? "ja";
        if (lang is not ("ja" or "en")) return Problem(400, "lang is ja or en.");
        var measure = q["measure"].FirstOrDefault();
        var chart = q["chart"].FirstOrDefault() ?? "symptomatic";
        if (format == "png")
        {
            if (!ReportCharts.Kinds.Contains(chart)) return Problem(400, $"chart is one of {string.Join(", ", ReportCharts.Kinds)}.");
            measure = chart switch { "symptomatic" => "symptomatic", "response-rate" => "follow_ups_answered", _ => measure ?? "choice:behaviours" };
            if (chart == "choices" && !measure.StartsWith("choice:", StringComparison.Ordinal)) return Problem(400, "The choices chart needs measure=choice:<question>.");
            if (chart == "choices") groupBy = "none"; // the share of all residents who completed, over the range
        }

        await using var db = services.GetRequiredService<IDbContextFactory<ChatSupportDbContext>>().CreateDbContext();
        DailyReportData report;
        try
        {
            report = await DailyReport.ReadAsync(db, new ReportQuery(tenantId, questionnaireId, from, to, groupBy, measure), tenant, catalog, ct);
        }
        catch (ReportTooLargeException e)
        {
            return Problem(400, "The report is too large.", e.Message);
        }
        // The open data serves only what officials published; unpublished figures are not even admitted to exist.
        // A refusal is counted, not audited: anonymous callers could otherwise write an audit row per request.
        if (open && !report.Published)
        {
            services.GetRequiredService<RefusalMetrics>().Refused(OpenDataRateLimit, "unpublished");
            return Problem(404, "This report is not published.", "Figures are published per tenant and questionnaire by its officials.");
        }
        db.Audit(clock, open ? "public" : Actor(http.User), open ? "open-data-pull" : "report-pull", Subject(tenantId, questionnaireId), http.Request.QueryString.Value);
        await db.SaveChangesAsync(ct);

        var stem = $"{tenantId}-{questionnaireId}-{from:yyyyMMdd}-{to:yyyyMMdd}";
        switch (format)
        {
            case "csv":
                // Written whole, then sent: CsvHelper writes synchronously, which Kestrel refuses on its response stream.
                using (var buffer = new MemoryStream())
                {
                    await ReportCsv.WriteAsync(buffer, Header(lang), CsvRows(report, questionnaire, lang), ct);
                    return TypedResults.File(buffer.ToArray(), "text/csv; charset=utf-8", $"{stem}.csv");
                }
            case "png":
                IReadOnlyList<(DateOnly, double)>? series = null;
                var seriesName = q["series"].FirstOrDefault();
                if (seriesName is not null)
                    series = [.. (await db.ReportSeries.AsNoTracking().Where(s => s.TenantId == tenantId && s.Name == seriesName && s.LocalDate >= from && s.LocalDate <= to)
                        .OrderBy(s => s.LocalDate).Select(s => new { s.LocalDate, s.Value }).ToListAsync(ct)).Select(s => (s.LocalDate, s.Value))];
                return TypedResults.File(ReportCharts.Render(report, chart, lang, questionnaire, series, seriesName), "image/png", $"{stem}-{chart}.png");
            default:
                return TypedResults.Json(new ReportJson(tenantId, questionnaireId, from, to, groupBy, report.K, report.Published,
                    [.. report.Cells.Select(c => new ReportRowJson(c.Date, c.Version, c.Group, c.Measure, c.Item, ReportDictionary.Label(questionnaire, c.Measure, c.Item, lang), c.Count, c.Value, c.N, c.Suppressed))],
                    report.Notes));
        }
    }

    private static bool TryDate(Microsoft.Extensions.Primitives.StringValues value, DateOnly fallback, out DateOnly date)
    {
        if (value.FirstOrDefault() is not { } text) { date = fallback; return true; }
        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    private static string Actor(ClaimsPrincipal user) => user.Identity?.Name is { Length: > 0 } name ? name[..Math.Min(64, name.Length)] : "unknown";

    private static IReadOnlyList<string> Header(string lang) =>
        [.. ReportDictionary.Columns.Select(c => lang == "ja" ? c.Ja : c.Name)];

    private static IEnumerable<IReadOnlyList<object?>> CsvRows(DailyReportData report, QuestionnaireDefinition? questionnaire, string lang)
    {
        var dimension = report.Query.GroupBy == "none" ? "all" : report.Query.GroupBy;
        var hiddenMark = lang == "ja" ? "秘匿" : "suppressed";
        foreach (var note in report.Notes)
            yield return [note.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "", dimension, "", "note", note.Kind, note.Text, null, null, null, "", note.Text];
        foreach (var c in report.Cells)
            yield return [c.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), c.Version, dimension, c.Group, c.Measure, c.Item,
                ReportDictionary.Label(questionnaire, c.Measure, c.Item, lang), c.Count, c.Value, c.N, c.Suppressed ? hiddenMark : "", ""];
    }

    private static async Task<IResult> DictionaryAsync(string? format, IDbContextFactory<ChatSupportDbContext> contexts, QuestionnaireCatalog catalog, CancellationToken ct)
    {
        await using var db = contexts.CreateDbContext();
        var versions = await DailyReport.VersionsAsync(db, ct);
        if (format == "md") return TypedResults.Text(ReportDictionary.Markdown(catalog.All, versions), "text/markdown; charset=utf-8");
        return TypedResults.Json(new
        {
            columns = ReportDictionary.Columns,
            measures = ReportDictionary.Measures,
            questionnaires = catalog.All.OrderBy(q => q.Id, StringComparer.Ordinal).Select(q => new
            {
                q.Id, currentVersion = q.Version, versionsCounted = versions.GetValueOrDefault(q.Id) ?? [],
                symptomatic = q.Reports.Symptomatic, areaFrom = q.Reports.AreaQuestion, ageFrom = q.Reports.AgeQuestion,
                questions = q.Questions.Where(x => x.Type is QuestionType.Single or QuestionType.Multiple or QuestionType.YesNo or QuestionType.Integer or QuestionType.Decimal)
                    .Select(x => new
                    {
                        measure = (x.Type is QuestionType.Integer or QuestionType.Decimal ? "number:" : "choice:") + x.Id,
                        text = x.Text.Get("ja"),
                        options = x.Options.Select(o => new { o.Id, ja = o.Label.Get("ja"), en = o.Label.Get("en") }),
                    }),
            }),
        });
    }

    /// <summary>An uploaded daily series: CSV lines <c>date,value</c> (a header line is allowed), replacing the series' days it names.</summary>
    private static async Task<IResult> UploadSeriesAsync(HttpContext http, string tenant, string name, IDbContextFactory<ChatSupportDbContext> contexts, ReportTenants tenants, TimeProvider clock, CancellationToken ct)
    {
        if (Refusal(http, tenants, tenant) is { } refusal) return refusal;
        if (name.Length > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return Problem(400, "A series name is up to 64 letters, digits, '-' or '_'.");
        using var reader = new StreamReader(http.Request.Body, new System.Text.UTF8Encoding(false, true));
        string text;
        try { text = await reader.ReadToEndAsync(ct); }
        catch (System.Text.DecoderFallbackException) { return Problem(400, "The CSV is not UTF-8.", "Save it as \"CSV UTF-8\"."); }
        var points = new Dictionary<DateOnly, double>();
        var lines = text.TrimStart('\uFEFF').Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Trim().Length == 0) continue;
            var cells = lines[i].Split(',');
            var dateText = cells[0].Trim().Trim('"').Replace('/', '-');
            if (!DateOnly.TryParseExact(dateText, ["yyyy-MM-dd", "yyyy-M-d"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) || date < Earliest || date > Latest)
            {
                if (i == 0 || points.Count == 0 && lines.Take(i).All(l => l.Trim().Length == 0)) continue; // the header
                return Problem(400, $"Line {i + 1}: '{cells[0]}' is not a date (yyyy-MM-dd).");
            }
            if (cells.Length < 2 || !double.TryParse(cells[1].Trim().Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                return Problem(400, $"Line {i + 1}: the second column must be a number.");
            if (!points.TryAdd(date, value)) return Problem(400, $"Line {i + 1}: {date:yyyy-MM-dd} appears twice.");
        }
        if (points.Count == 0) return Problem(400, "The CSV holds no line date,value.");
        await using var db = contexts.CreateDbContext();
        var days = points.Keys.ToList();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.ReportSeries.Where(s => s.TenantId == tenant && s.Name == name && days.Contains(s.LocalDate)).ExecuteDeleteAsync(ct);
        var by = Actor(http.User);
        db.ReportSeries.AddRange(points.Select(p => new ReportSeriesRow { TenantId = tenant, Name = name, LocalDate = p.Key, Value = p.Value, UploadedAt = clock.GetUtcNow(), UploadedBy = by }));
        db.Audit(clock, by, "series-upload", Subject(tenant, name), $"{points.Count} days");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(new { tenant, name, days = points.Count, from = points.Keys.Min(), to = points.Keys.Max() });
    }

    private static async Task<IResult> SeriesAsync(HttpContext http, string tenant, string name, IDbContextFactory<ChatSupportDbContext> contexts, ReportTenants tenants, TimeProvider clock, CancellationToken ct)
    {
        if (Refusal(http, tenants, tenant) is { } refusal) return refusal;
        await using var db = contexts.CreateDbContext();
        var points = await db.ReportSeries.AsNoTracking().Where(s => s.TenantId == tenant && s.Name == name).OrderBy(s => s.LocalDate)
            .Select(s => new { date = s.LocalDate, value = s.Value }).ToListAsync(ct);
        db.Audit(clock, Actor(http.User), "series-pull", Subject(tenant, name));
        await db.SaveChangesAsync(ct);
        return points.Count == 0 ? Problem(404, $"No series '{name}'.") : TypedResults.Ok(points);
    }

    private static async Task<IResult> AnnotateAsync(HttpContext http, [FromBody] AnnotationRequest request, IDbContextFactory<ChatSupportDbContext> contexts, ReportTenants tenants, TimeProvider clock, CancellationToken ct)
    {
        if (Refusal(http, tenants, request.Tenant) is { } refusal) return refusal;
        if (string.IsNullOrWhiteSpace(request.Text) || request.Text.Length > 500) return Problem(400, "text is 1-500 characters.");
        if (request.Date < Earliest || request.Date > Latest) return Problem(400, $"date is between {Earliest:yyyy-MM-dd} and {Latest:yyyy-MM-dd}.");
        var kind = request.Kind ?? "cohort";
        if (kind.Length > 32 || !kind.All(c => char.IsAsciiLetterLower(c) || c == '-')) return Problem(400, "kind is up to 32 lower-case letters or '-', e.g. cohort.");
        await using var db = contexts.CreateDbContext();
        var row = new ReportAnnotationRow
        {
            TenantId = request.Tenant, QuestionnaireId = request.Questionnaire, LocalDate = request.Date, Kind = kind, Text = request.Text.Trim(),
            CreatedBy = Actor(http.User), CreatedAt = clock.GetUtcNow(),
        };
        db.ReportAnnotations.Add(row);
        db.Audit(clock, row.CreatedBy, "report-annotation", Subject(request.Tenant, request.Questionnaire), $"{request.Date:yyyy-MM-dd} {kind}");
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/reports/daily?tenant={request.Tenant}&questionnaire={request.Questionnaire}", new { row.Id, row.LocalDate, row.Kind, row.Text });
    }

    private static async Task<IResult> PublishAsync(HttpContext http, string tenant, string questionnaire, [FromBody] PublicationRequest request, IDbContextFactory<ChatSupportDbContext> contexts, ReportTenants tenants, TimeProvider clock, CancellationToken ct)
    {
        if (Refusal(http, tenants, tenant) is { } refusal) return refusal;
        await using var db = contexts.CreateDbContext();
        var row = await db.ReportPublications.FirstOrDefaultAsync(p => p.TenantId == tenant && p.QuestionnaireId == questionnaire, ct);
        if (row is null) db.ReportPublications.Add(row = new ReportPublicationRow { TenantId = tenant, QuestionnaireId = questionnaire, ChangedBy = "" });
        (row.Published, row.ChangedAt, row.ChangedBy) = (request.Published, clock.GetUtcNow(), Actor(http.User));
        db.Audit(clock, row.ChangedBy, request.Published ? "report-publish" : "report-unpublish", Subject(tenant, questionnaire));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new { tenant, questionnaire, published = row.Published, changedAt = row.ChangedAt });
    }

    /// <summary>Enqueues one aggregation job per day of the range (each replaces its day, so overlapping backfills are harmless).</summary>
    private static IResult Backfill(HttpContext http, [FromBody] BackfillRequest request, ReportTenants tenants, IBackgroundJobClientV2 jobs)
    {
        if (Refusal(http, tenants, request.Tenant) is { } refusal) return refusal;
        if (request.From < Earliest || request.To > Latest) return Problem(400, $"Dates are between {Earliest:yyyy-MM-dd} and {Latest:yyyy-MM-dd}.");
        if (request.To < request.From) return Problem(400, "to is before from.");
        var days = request.To.DayNumber - request.From.DayNumber + 1;
        if (days > AggregateDailyJob.MaxBackfillDays) return Problem(400, $"At most {AggregateDailyJob.MaxBackfillDays} days per backfill.");
        var ids = Enumerable.Range(0, days).Select(request.From.AddDays)
            .Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
            .Select(d => jobs.Enqueue<AggregateDailyJob>(j => j.RunAsync(request.Tenant, d, CancellationToken.None))).ToList();
        return TypedResults.Accepted("/hangfire/jobs/enqueued", new { tenant = request.Tenant, from = request.From, to = request.To, jobs = ids });
    }
}

using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using ChatSupport.Persistence;
using ChatSupport.Questionnaires.Loading;
using ChatSupport.Web.Access;
using ChatSupport.Web.Impact;
using ChatSupport.Web.Reports;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Microsoft.EntityFrameworkCore;

namespace ChatSupport.Web.Questionnaires;

/// <summary>
/// Staff's questionnaire versions (<c>/api/staff/questionnaires</c>): drafts (role <c>staff</c>; saved even when they do
/// not validate), the versions, their YAML and a line diff; publishing and rolling back (role <c>admin</c>). A key
/// limited to a tenant sees that tenant's questionnaires and the shared ones, and changes only its tenant's (shared
/// ones are the administrators'). The contract is in the notes of issue 14; the CLI's push and pull rely on it.
/// </summary>
public static class QuestionnairesApi
{
    public const string Path = "/api/staff/questionnaires";
    private static readonly string[] TextTypes = ["text/yaml", "application/yaml", "application/x-yaml", "text/x-yaml", "text/plain"];

    public sealed record VersionJson(string Id, int Version, string State, bool Valid, string Hash, int? Parent, string Author,
        DateTimeOffset CreatedAt, string? Note, DateTimeOffset? PublishedAt);

    public sealed record ErrorJson(string File, int Line, int Column, string Field, string Message);

    public sealed record DraftJson(string Id, int Version, string State, bool Valid, string Hash, IReadOnlyList<ErrorJson> Errors);

    public sealed record DiffLineJson(string Kind, int? OldLine, int? NewLine, string Text);

    public static void MapQuestionnairesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Path).WithTags("Questionnaires");
        api.MapGet("/", ListAsync).RequireAuthorization(Roles.Staff);
        api.MapPost("/{id}/drafts", DraftAsync).RequireAuthorization(Roles.Staff);
        api.MapGet("/{id}/versions", VersionsAsync).RequireAuthorization(Roles.Staff);
        api.MapGet("/{id}/versions/{v}", SourceAsync).RequireAuthorization(Roles.Staff);
        api.MapGet("/{id}/versions/{a}/diff/{b}", DiffAsync).RequireAuthorization(Roles.Staff);
        api.MapPost("/{id}/versions/{v}/publish", PublishAsync).RequireAuthorization(Roles.Admin);
        api.MapPost("/{id}/versions/{v}/impact", ImpactAsync).RequireAuthorization(Roles.Staff);
        api.MapPost("/{id}/versions/{v}/preview", PreviewAsync).RequireAuthorization(Roles.Staff);
    }

    private static IResult Problem(int status, string title, string? detail = null, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: status, extensions: extensions);

    private static string Actor(ClaimsPrincipal user) => user.Identity?.Name is { Length: > 0 } name ? name : "unknown";

    private static VersionJson Json(QuestionnaireVersionRow r) =>
        new(r.QuestionnaireId, r.Version, r.State, r.Valid, r.ContentHash, r.ParentVersion, r.Author, r.CreatedAt, r.Note, r.PublishedAt);

    private static IReadOnlyList<ErrorJson> Errors(IEnumerable<LoadError> errors) => [.. errors.Select(e => new ErrorJson(e.File, e.Line, e.Column, e.Field, e.Message))];

    private static IReadOnlyList<ErrorJson> Errors(string? json) =>
        json is null ? [] : JsonSerializer.Deserialize<List<ErrorJson>>(json, JsonSerializerOptions.Web) ?? [];

    /// <summary>The rows of a questionnaire the caller may see, or a refusal: none (404), another tenant's (404, as if none).</summary>
    private static async Task<(List<QuestionnaireVersionRow> Rows, IResult? Refusal)> RowsAsync(ChatSupportDbContext db, ClaimsPrincipal user, string id, CancellationToken ct)
    {
        var rows = await db.QuestionnaireVersions.AsNoTracking().Where(v => v.QuestionnaireId == id).ToListAsync(ct);
        if (rows.Count == 0 || !MaySee(user, rows[0].TenantId)) return (rows, Problem(404, $"No questionnaire '{id}'."));
        return (rows, null);
    }

    /// <summary>Tenant keys see their tenant's questionnaires and the shared ones.</summary>
    private static bool MaySee(ClaimsPrincipal user, string? owner) => owner is null || Roles.MaySee(user, owner);

    /// <summary>Only the owner's keys (or unlimited ones) change a questionnaire; shared ones only unlimited keys.</summary>
    private static bool MayChange(ClaimsPrincipal user, string? owner) => Roles.TenantOf(user) is not { } own || own == owner;

    private static async Task<IResult> ListAsync(HttpContext http, IDbContextFactory<ChatSupportDbContext> contexts, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.QuestionnaireVersions.AsNoTracking()
            .Select(v => new { v.QuestionnaireId, v.TenantId, v.Version, v.State }).ToListAsync(ct);
        var list = rows.GroupBy(r => r.QuestionnaireId).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Owner: g.OrderBy(r => r.Version).First().TenantId, Group: g))
            .Where(x => MaySee(http.User, x.Owner))
            .Select(x => new
            {
                id = x.Group.Key,
                tenant = x.Owner,
                published = x.Group.FirstOrDefault(r => r.State == QuestionnaireVersionStates.Published)?.Version,
                drafts = x.Group.Where(r => r.State == QuestionnaireVersionStates.Draft).Select(r => r.Version).Order().ToList(),
            });
        return TypedResults.Ok(list);
    }

    private static async Task<IResult> DraftAsync(string id, string? note, string? tenant, HttpContext http, QuestionnairePublishing publishing, CancellationToken ct)
    {
        if (id.Length > 64 || !QuestionnaireIds.IsValid(id)) return Problem(400, "The questionnaire id is kebab-case (lower-case letters, digits and '-'), at most 64 characters.");
        var mediaType = http.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is not null && !TextTypes.Contains(mediaType))
            return Problem(400, "The body is the questionnaire's YAML as text.", $"Send it as text/yaml; charset=utf-8 (not {mediaType}).");
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, ct); // over ChatSupport:MaxRequestBodyBytes: 413 (UseRequestSizeLimit)
        string text;
        try
        {
            text = QuestionnaireSeed.StrictUtf8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            return Problem(400, "The body is not UTF-8 text.", "Save the questionnaire as UTF-8 (Shift_JIS is not read).");
        }
        if (string.IsNullOrWhiteSpace(text) || text.Contains('\0', StringComparison.Ordinal)) return Problem(400, "The body is empty or not text.");
        var (exists, owner) = await publishing.OwnerAsync(id, ct);
        if (exists)
        {
            if (!MaySee(http.User, owner)) return Problem(404, $"No questionnaire '{id}'.");
            if (!MayChange(http.User, owner)) return Problem(403, owner is null ? "Shared questionnaires are changed by keys of every tenant (administrators)." : "This key is limited to another tenant.");
        }
        else
        {
            owner = Roles.TenantOf(http.User) ?? (tenant is { Length: > 0 } ? tenant : null);
            if (owner is not null && !MayChange(http.User, owner)) return Problem(403, "This key is limited to another tenant.");
        }
        var row = await publishing.SaveDraftAsync(id, owner, text, note, Actor(http.User), ct);
        return TypedResults.Created($"{Path}/{id}/versions/{row.Version}",
            new DraftJson(id, row.Version, row.State, row.Valid, row.ContentHash, Errors(row.Errors)));
    }

    private static async Task<IResult> VersionsAsync(string id, HttpContext http, IDbContextFactory<ChatSupportDbContext> contexts, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var (rows, refusal) = await RowsAsync(db, http.User, id, ct);
        return refusal ?? TypedResults.Ok(rows.OrderByDescending(r => r.Version).Select(Json));
    }

    /// <summary>A version by number, or <c>published</c>.</summary>
    private static QuestionnaireVersionRow? Pick(List<QuestionnaireVersionRow> rows, string v) =>
        v == "published" ? rows.FirstOrDefault(r => r.State == QuestionnaireVersionStates.Published)
        : int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? rows.FirstOrDefault(r => r.Version == n) : null;

    private static async Task<IResult> SourceAsync(string id, string v, HttpContext http, IDbContextFactory<ChatSupportDbContext> contexts, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var (rows, refusal) = await RowsAsync(db, http.User, id, ct);
        if (refusal is not null) return refusal;
        return Pick(rows, v) is { } row ? TypedResults.Text(row.Source, "text/yaml; charset=utf-8", Encoding.UTF8) : Problem(404, $"No version '{v}' of '{id}'.");
    }

    private static async Task<IResult> DiffAsync(string id, string a, string b, HttpContext http, IDbContextFactory<ChatSupportDbContext> contexts, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var (rows, refusal) = await RowsAsync(db, http.User, id, ct);
        if (refusal is not null) return refusal;
        if (Pick(rows, a) is not { } from || Pick(rows, b) is not { } to) return Problem(404, $"No version '{(Pick(rows, a) is null ? a : b)}' of '{id}'.");
        var diff = InlineDiffBuilder.Diff(from.Source, to.Source, ignoreWhiteSpace: false);
        int oldLine = 0, newLine = 0;
        var lines = new List<DiffLineJson>();
        foreach (var line in diff.Lines)
        {
            switch (line.Type)
            {
                case ChangeType.Inserted: lines.Add(new DiffLineJson("inserted", null, ++newLine, line.Text)); break;
                case ChangeType.Deleted: lines.Add(new DiffLineJson("deleted", ++oldLine, null, line.Text)); break;
                default: lines.Add(new DiffLineJson("unchanged", ++oldLine, ++newLine, line.Text)); break;
            }
        }
        return TypedResults.Ok(new { from = from.Version, to = to.Version, lines });
    }

    private static async Task<IResult> PublishAsync(string id, string v, string? note, HttpContext http, QuestionnairePublishing publishing,
        IDbContextFactory<ChatSupportDbContext> contexts, CancellationToken ct)
    {
        int version;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var (rows, refusal) = await RowsAsync(db, http.User, id, ct);
            if (refusal is not null) return refusal;
            if (!MayChange(http.User, rows[0].TenantId)) return Problem(403, rows[0].TenantId is null ? "Shared questionnaires are published by administrators of every tenant." : "This key is limited to another tenant.");
            if (Pick(rows, v) is not { } row) return Problem(404, $"No version '{v}' of '{id}'.");
            version = row.Version;
        }
        var outcome = await publishing.PublishAsync(id, version, note, Actor(http.User), ct);
        if (outcome.Status != 200)
            return Problem(outcome.Status, outcome.Problem!, extensions: outcome.Errors is { } errors ? new Dictionary<string, object?> { ["errors"] = Errors(errors) } : null);
        return TypedResults.Ok(Json(outcome.Row!));
    }

    /// <summary>
    /// What publishing version <paramref name="v"/> instead of the published one would have done to a tenant's residents
    /// over the last <paramref name="days"/> days (30 unless said; at most <see cref="ImpactReport.MaxDays"/>): their stored
    /// responses replayed under both, counted and suppressed (<see cref="ImpactReport"/>). The tenant is the
    /// questionnaire's owner; for a shared questionnaire the key's tenant, or <c>?tenant=</c> for an unlimited key.
    /// </summary>
    private static async Task<IResult> ImpactAsync(string id, string v, int? days, string? tenant, HttpContext http, QuestionnaireLibrary library,
        ImpactReport impact, ReportTenants tenants, QuestionnairePublishing publishing, IDbContextFactory<ChatSupportDbContext> contexts, CancellationToken ct)
    {
        List<QuestionnaireVersionRow> rows;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            (rows, var refusal) = await RowsAsync(db, http.User, id, ct);
            if (refusal is not null) return refusal;
        }
        if (Pick(rows, v) is not { } candidate) return Problem(404, $"No version '{v}' of '{id}'.");
        var period = days ?? 30;
        if (period is < 1 or > ImpactReport.MaxDays) return Problem(400, $"days is between 1 and {ImpactReport.MaxDays}.");

        var owner = rows[0].TenantId;
        var own = Roles.TenantOf(http.User);
        var reportTenant = owner ?? own ?? (tenant is { Length: > 0 } ? tenant : null);
        if (reportTenant is null)
            return Problem(400, "Name the tenant whose residents to replay.", $"'{id}' is shared by every tenant: add ?tenant=… to the request.");
        if (tenant is { Length: > 0 } && tenant != reportTenant)
            return Problem(own is not null && tenant != own ? 403 : 400, $"The report of '{id}' is for '{reportTenant}' only.");
        if (!tenants.Exists(reportTenant)) return Problem(404, $"No tenant '{reportTenant}'.");

        if (rows.FirstOrDefault(r => r.State == QuestionnaireVersionStates.Published) is not { } published)
            return Problem(409, $"'{id}' has no published version to compare with.");
        var (after, errors) = library.Candidate(id, candidate.Version, candidate.Source);
        if (after is null)
            return Problem(409, $"Version {candidate.Version} of '{id}' does not validate; correct it first.",
                extensions: new Dictionary<string, object?> { ["errors"] = Errors(errors) });
        var (before, _) = library.Candidate(id, published.Version, published.Source);
        if (before is null) return Problem(409, $"The published version {published.Version} of '{id}' no longer validates beside the others.");

        var report = await impact.ComputeAsync(reportTenant, id, before.Find(id)!, after.Find(id)!, period, ct);
        await publishing.AuditAsync(Actor(http.User), "questionnaire-impact", id, candidate.Version,
            $"against v{published.Version}, tenant {reportTenant}, {period} days", ct);
        return TypedResults.Ok(new
        {
            id, version = candidate.Version, against = published.Version, tenant = reportTenant,
            from = report.From, to = report.To, days = report.Days, computedAt = report.ComputedAt, figures = report.Figures,
        });
    }

    /// <summary>
    /// A preview of version <paramref name="v"/> (draft, published or retired; it must validate): a link valid 24 hours
    /// and a code for the tenant's allow-listed LINE accounts (<see cref="QuestionnairePreviews"/>).
    /// </summary>
    private static async Task<IResult> PreviewAsync(string id, string v, HttpContext http, QuestionnairePreviews previews,
        IDbContextFactory<ChatSupportDbContext> contexts, CancellationToken ct)
    {
        QuestionnaireVersionRow row;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var (rows, refusal) = await RowsAsync(db, http.User, id, ct);
            if (refusal is not null) return refusal;
            if (Pick(rows, v) is not { } picked) return Problem(404, $"No version '{v}' of '{id}'.");
            row = picked;
        }
        if (!row.Valid)
            return Problem(409, $"Version {row.Version} of '{id}' does not validate, so it cannot be previewed.",
                extensions: new Dictionary<string, object?> { ["errors"] = Errors(row.Errors) });
        var created = await previews.CreateAsync(row, Roles.TenantOf(http.User) ?? row.TenantId, Actor(http.User), ct);
        return TypedResults.Created((string?)null, new { url = created.Url, code = created.Code, expiresAt = created.ExpiresAt });
    }
}

/// <summary>Questionnaire ids are kebab-case, as file names.</summary>
public static partial class QuestionnaireIds
{
    [System.Text.RegularExpressions.GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")] private static partial System.Text.RegularExpressions.Regex KebabCase();
    public static bool IsValid(string id) => KebabCase().IsMatch(id);
}

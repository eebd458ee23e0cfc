using ChatSupport.Persistence;
using ChatSupport.Questionnaires.Loading;
using Microsoft.EntityFrameworkCore;

namespace ChatSupport.Web.Questionnaires;

/// <summary>
/// Drafts and publications. A draft is saved whether or not it validates (staff must not lose work); publishing
/// validates again against what is published now, refuses an invalid or already published version and, where
/// <c>RequireSecondPerson</c> holds, the draft's own author. Publishing a retired version (a rollback) writes a new
/// version copying its source. The previous version is retired and the new one published in one transaction, and
/// every server is told (<see cref="QuestionnaireChangeListener"/>). Every action is written to the audit log: who (the
/// key's name), what, which version, when — never what the questionnaire says.
/// </summary>
public sealed class QuestionnairePublishing(IDbContextFactory<ChatSupportDbContext> contexts, QuestionnaireLibrary library, Hosting.StartupChecks checks,
    DatabaseConfiguration database, IConfiguration configuration, IHostEnvironment environment, TimeProvider clock)
{
    /// <summary>The PostgreSQL channel a publication is announced on.</summary>
    public const string Channel = "chatsupport_questionnaires";

    public sealed record Outcome(QuestionnaireVersionRow? Row, int Status = 200, string? Problem = null, IReadOnlyList<LoadError>? Errors = null);

    /// <summary>Whether the author of a draft may not publish it: <c>Tenants:{id}:Questionnaires:RequireSecondPerson</c>, else <c>Questionnaires:RequireSecondPerson</c>, else true outside Development.</summary>
    public bool RequiresSecondPerson(string? tenant) =>
        (tenant is null ? null : configuration.GetValue<bool?>($"Tenants:{tenant}:Questionnaires:RequireSecondPerson"))
        ?? configuration.GetValue<bool?>("Questionnaires:RequireSecondPerson")
        ?? !environment.IsDevelopment();

    /// <summary>The owner of a questionnaire (its first version's tenant), whether it has any version, and its tenant.</summary>
    public async Task<(bool Exists, string? Tenant)> OwnerAsync(string id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var first = await db.QuestionnaireVersions.AsNoTracking().Where(v => v.QuestionnaireId == id).OrderBy(v => v.Version)
            .Select(v => new { v.TenantId }).FirstOrDefaultAsync(ct);
        return (first is not null, first?.TenantId);
    }

    public async Task<QuestionnaireVersionRow> SaveDraftAsync(string id, string? tenant, string text, string? note, string author, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var versions = await db.QuestionnaireVersions.AsNoTracking().Where(v => v.QuestionnaireId == id)
                .Select(v => new { v.Version, v.State }).ToListAsync(ct);
            var version = versions.Count == 0 ? 1 : versions.Max(v => v.Version) + 1;
            var errors = library.Validate(id, version, text);
            var row = new QuestionnaireVersionRow
            {
                TenantId = tenant,
                QuestionnaireId = id,
                Version = version,
                Source = text,
                ContentHash = QuestionnaireSeed.Hash(text),
                ParentVersion = versions.FirstOrDefault(v => v.State == QuestionnaireVersionStates.Published)?.Version,
                State = QuestionnaireVersionStates.Draft,
                Valid = errors.Count == 0,
                Errors = QuestionnaireSeed.ErrorsJson(errors),
                Author = author,
                CreatedAt = clock.GetUtcNow(),
                Note = Cut(note, 500),
            };
            db.QuestionnaireVersions.Add(row);
            Audit(db, author, "questionnaire-draft", id, version, row.Valid ? "valid" : $"invalid ({errors.Count} errors)");
            try
            {
                await db.SaveChangesAsync(ct);
                return row;
            }
            catch (DbUpdateException e) when (attempt < 5 && QuestionnaireSeed.IsUniqueViolation(e))
            {
                // Another draft took this number at the same moment: take the next.
            }
        }
    }

    /// <summary>Publishes version <paramref name="version"/> (a draft), or a retired one again as a new version (a rollback).</summary>
    public async Task<Outcome> PublishAsync(string id, int version, string? note, string publisher, CancellationToken ct)
    {
        Outcome outcome;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var rows = await db.QuestionnaireVersions.Where(v => v.QuestionnaireId == id).ToListAsync(ct);
            if (rows.FirstOrDefault(v => v.Version == version) is not { } target) return new Outcome(null, 404, $"No version {version} of '{id}'.");
            if (target.State == QuestionnaireVersionStates.Published) return new Outcome(target, 409, $"Version {version} of '{id}' is already published.");
            var next = rows.Max(v => v.Version) + 1;
            var rollback = target.State == QuestionnaireVersionStates.Retired;
            var (candidate, errors) = library.Candidate(id, rollback ? next : version, target.Source);
            if (candidate is null) return new Outcome(target, 409, $"Version {version} of '{id}' does not validate, so it cannot be published.", errors);
            // What would stop the next start (a tenant offering it but not a questionnaire its follow-ups now open) stops the publication.
            if (checks.QuestionnaireProblems(candidate).ToList() is { Count: > 0 } problems)
                return new Outcome(target, 409, $"Publishing version {version} of '{id}' would break the configuration: " + string.Join(" ", problems));
            if (!rollback && target.Author == publisher && RequiresSecondPerson(target.TenantId))
                return new Outcome(target, 409, $"Version {version} of '{id}' was written by '{publisher}': another person must publish it (RequireSecondPerson).");
            var now = clock.GetUtcNow();
            if (rows.FirstOrDefault(v => v.State == QuestionnaireVersionStates.Published) is { } current)
            {
                current.State = QuestionnaireVersionStates.Retired;
                await db.SaveChangesAsync(ct); // first, so the one-published index never sees two
            }
            var published = target;
            if (rollback)
            {
                published = new QuestionnaireVersionRow
                {
                    TenantId = target.TenantId, QuestionnaireId = id, Version = next, Source = target.Source, ContentHash = target.ContentHash,
                    ParentVersion = target.Version, State = QuestionnaireVersionStates.Published, Valid = true, Author = publisher, CreatedAt = now,
                    Note = Cut(note, 500) ?? $"rollback to version {target.Version}",
                };
                db.QuestionnaireVersions.Add(published);
            }
            published.State = QuestionnaireVersionStates.Published;
            published.Valid = true;
            published.Errors = null;
            published.PublishedAt = now;
            published.PublishedBy = publisher;
            Audit(db, publisher, rollback ? "questionnaire-rollback" : "questionnaire-publish", id, published.Version,
                rollback ? $"version {target.Version} published again as version {published.Version}" : null);
            try
            {
                await db.SaveChangesAsync(ct);
                if (database.IsPostgres) await db.Database.ExecuteSqlRawAsync($"SELECT pg_notify('{Channel}', '')", ct); // delivered at the commit
                await transaction.CommitAsync(ct);
            }
            catch (DbUpdateException e) when (QuestionnaireSeed.IsUniqueViolation(e))
            {
                return new Outcome(null, 409, $"Another version of '{id}' was published at the same moment; look again and retry.");
            }
            outcome = new Outcome(published);
        }
        await library.RefreshAsync(ct); // this server at once; the others on the notification (or their poll)
        return outcome;
    }

    /// <summary>Writes an action on a version that changes nothing (an impact report, a preview) to the audit log.</summary>
    public async Task AuditAsync(string who, string action, string id, int version, string? details, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        Audit(db, who, action, id, version, details);
        await db.SaveChangesAsync(ct);
    }

    private void Audit(ChatSupportDbContext db, string who, string action, string id, int version, string? details) =>
        db.Audit(clock, who, action, $"{id}@v{version}", details);

    private static string? Cut(string? s, int max) => s is { Length: > 0 } && s.Length > max ? s[..max] : s is { Length: > 0 } ? s : null;
}

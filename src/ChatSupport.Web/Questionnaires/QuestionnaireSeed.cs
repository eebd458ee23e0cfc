using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ChatSupport.Persistence;
using ChatSupport.Questionnaires;
using ChatSupport.Questionnaires.Loading;
using Microsoft.EntityFrameworkCore;

namespace ChatSupport.Web.Questionnaires;

/// <summary>
/// <c>dialogs/</c> is the seed. At start, a file whose questionnaire has no version yet becomes published version 1 (so
/// the two-command start serves the shipped questionnaires); a file whose content (SHA-256) no version has becomes a
/// draft, never replacing the published version; an unchanged file imports nothing. Two servers starting at once
/// race on the unique version number: the loser's insert fails and is ignored.
/// </summary>
public static class QuestionnaireSeed
{
    /// <summary>UTF-8 that fails on invalid bytes (a Shift_JIS file is refused, not read as mojibake).</summary>
    public static readonly Encoding StrictUtf8 = new UTF8Encoding(false, true);

    public const string Author = "seed";

    public static async Task ImportAsync(IDbContextFactory<ChatSupportDbContext> contexts, string folder,
        TimeProvider clock, ILogger logger, CancellationToken ct)
    {
        if (!Directory.Exists(folder)) return;
        var files = new List<(string Id, string Display, string Text)>();
        foreach (var file in Directory.EnumerateFiles(folder).Where(QuestionnaireCatalog.IsQuestionnaireFile).Order(StringComparer.Ordinal))
        {
            try
            {
                files.Add((Path.GetFileNameWithoutExtension(file), Path.GetRelativePath(Directory.GetCurrentDirectory(), file),
                    await File.ReadAllTextAsync(file, StrictUtf8, ct)));
            }
            catch (DecoderFallbackException)
            {
                logger.LogWarning("{File} is not UTF-8; not imported", Path.GetFileName(file));
            }
        }
        // Checked together, as files have always been: a follow-up may name another file of the folder.
        var errors = ErrorsByFile(files.Select(f => new QuestionnaireSource(f.Id, f.Display, f.Text, folder)));
        foreach (var (id, display, text) in files)
        {
            var hash = Hash(text);
            await using var db = await contexts.CreateDbContextAsync(ct);
            var existing = await db.QuestionnaireVersions.AsNoTracking().Where(v => v.QuestionnaireId == id)
                .Select(v => new { v.Version, v.ContentHash, v.State, v.TenantId }).ToListAsync(ct);
            if (existing.Any(v => v.ContentHash == hash)) continue;
            var fileErrors = errors.GetValueOrDefault(display) ?? [];
            var first = existing.Count == 0;
            var row = new QuestionnaireVersionRow
            {
                TenantId = existing.FirstOrDefault()?.TenantId,
                QuestionnaireId = id,
                Version = first ? 1 : existing.Max(v => v.Version) + 1,
                Source = text,
                ContentHash = hash,
                ParentVersion = existing.FirstOrDefault(v => v.State == QuestionnaireVersionStates.Published)?.Version,
                State = first && fileErrors.Count == 0 ? QuestionnaireVersionStates.Published : QuestionnaireVersionStates.Draft,
                Valid = fileErrors.Count == 0,
                Errors = ErrorsJson(fileErrors),
                Author = Author,
                CreatedAt = clock.GetUtcNow(),
                Note = $"imported from {Path.GetFileName(display)}",
            };
            if (row.State == QuestionnaireVersionStates.Published) { row.PublishedAt = row.CreatedAt; row.PublishedBy = Author; }
            db.QuestionnaireVersions.Add(row);
            try
            {
                await db.SaveChangesAsync(ct);
                logger.LogInformation("Imported {File} as {State} version {Version} of {Questionnaire}", Path.GetFileName(display), row.State, row.Version, id);
                foreach (var error in fileErrors)
                    logger.LogWarning("{File} does not validate, so it is kept as a draft: {Error}", Path.GetFileName(display), error.ToString());
            }
            catch (DbUpdateException e) when (IsUniqueViolation(e))
            {
                // Another server imported it first.
                logger.LogInformation("{File} was imported by another server", Path.GetFileName(display));
            }
        }
    }

    /// <summary>The errors of each source when loaded together, by display name.</summary>
    private static Dictionary<string, List<LoadError>> ErrorsByFile(IEnumerable<QuestionnaireSource> sources)
    {
        try
        {
            QuestionnaireCatalog.FromSources(sources);
            return [];
        }
        catch (QuestionnaireLoadException e)
        {
            return e.Errors.GroupBy(x => x.File).ToDictionary(g => g.Key, g => g.ToList());
        }
    }

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public static string? ErrorsJson(IReadOnlyList<LoadError> errors) =>
        errors.Count == 0 ? null : JsonSerializer.Serialize(errors.Select(e => new { file = e.File, line = e.Line, column = e.Column, field = e.Field, message = e.Message }));

    public static bool IsUniqueViolation(DbUpdateException e) => e.InnerException switch
    {
        Npgsql.PostgresException p => p.SqlState == "23505",
        Microsoft.Data.Sqlite.SqliteException s => s.SqliteErrorCode == 19,
        _ => false,
    };
}

using System.Collections.Concurrent;
using ChatSupport.Persistence;
using ChatSupport.Questionnaires;
using ChatSupport.Questionnaires.Loading;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatSupport.Web.Questionnaires;

/// <summary>
/// The running catalog, a cache over the published versions in the database: <see cref="Current"/> is swapped whole
/// (never edited) when a publication is noticed, so a turn sees one consistent catalog. Drafts are never loaded here.
/// Earlier published or retired versions are loaded on demand for conversations that started on them, and kept.
/// </summary>
public sealed class QuestionnaireLibrary(IDbContextFactory<ChatSupportDbContext> contexts, IOptions<QuestionnaireBotOptions> options,
    ILogger<QuestionnaireLibrary> logger) : IQuestionnaireVersions
{
    private volatile Loaded? _loaded;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private readonly ConcurrentDictionary<(string Id, int Version), QuestionnaireDefinition?> _earlier = new();

    private sealed record Loaded(QuestionnaireCatalog Catalog, IReadOnlyDictionary<string, int> Versions, IReadOnlyList<QuestionnaireSource> Sources);

    /// <summary>Where side files (<c>areas:</c>) of stored versions are: the <c>Questionnaires:Path</c> folder.</summary>
    public string BaseDirectory { get; } = Path.GetFullPath(options.Value.Path);

    /// <summary>The published questionnaires (after <see cref="RefreshAsync"/> has run once, at start).</summary>
    public QuestionnaireCatalog Current => (_loaded ?? throw new InvalidOperationException("The questionnaires are not loaded yet (MigrateDatabaseAsync loads them).")).Catalog;

    /// <summary>The published version number of each questionnaire of <see cref="Current"/>.</summary>
    public IReadOnlyDictionary<string, int> PublishedVersions => _loaded?.Versions ?? new Dictionary<string, int>();

    /// <summary>Raised after <see cref="Current"/> changed (tests and logs wait on it).</summary>
    public event Action<QuestionnaireCatalog>? Changed;

    /// <summary>
    /// Reads the published versions and swaps the catalog if they changed. A set that does not load (a side file gone)
    /// keeps the catalog in use and logs the errors (positions and fields only), rather than take serving down.
    /// </summary>
    public async Task<bool> RefreshAsync(CancellationToken ct)
    {
        await _refresh.WaitAsync(ct);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var heads = await db.QuestionnaireVersions.AsNoTracking().Where(v => v.State == QuestionnaireVersionStates.Published)
                .Select(v => new { v.QuestionnaireId, v.Version }).ToListAsync(ct);
            if (_loaded is { } loaded && heads.Count == loaded.Versions.Count && heads.All(h => loaded.Versions.GetValueOrDefault(h.QuestionnaireId) == h.Version))
                return false;
            var rows = await db.QuestionnaireVersions.AsNoTracking().Where(v => v.State == QuestionnaireVersionStates.Published).ToListAsync(ct);
            QuestionnaireCatalog catalog;
            try
            {
                catalog = QuestionnaireCatalog.FromSources(rows.OrderBy(r => r.QuestionnaireId, StringComparer.Ordinal).Select(Source));
            }
            catch (QuestionnaireLoadException e) when (_loaded is not null)
            {
                logger.LogError("The published questionnaires do not load; still serving the previous ones: {Errors}", string.Join("; ", e.Errors.Select(x => $"{x.File}:{x.Line}:{x.Column} {x.Field}")));
                return false;
            }
            _loaded = new Loaded(catalog, rows.ToDictionary(r => r.QuestionnaireId, r => r.Version, StringComparer.Ordinal), [.. rows.Select(Source)]);
            logger.LogInformation("Serving questionnaire versions {Versions}", string.Join(", ", rows.OrderBy(r => r.QuestionnaireId, StringComparer.Ordinal).Select(r => $"{r.QuestionnaireId}@v{r.Version}")));
            Changed?.Invoke(catalog);
            return true;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>A stored version as a source: named <c>{id}@v{n}</c> in errors, its side files in <see cref="BaseDirectory"/>.</summary>
    public QuestionnaireSource Source(QuestionnaireVersionRow row) =>
        new(row.QuestionnaireId, DisplayName(row.QuestionnaireId, row.Version), row.Source, BaseDirectory, row.Version);

    public static string DisplayName(string id, int version) => $"{id}@v{version}";

    /// <summary>
    /// The errors of <paramref name="text"/> as version <paramref name="version"/> of <paramref name="id"/>, checked as it
    /// would run: beside the other published questionnaires (its follow-ups must name one of them or itself).
    /// </summary>
    public IReadOnlyList<LoadError> Validate(string id, int version, string text) => Candidate(id, version, text).Errors;

    /// <summary>The catalog that publishing <paramref name="text"/> as <paramref name="id"/> would serve, or the errors that stop it.</summary>
    public (QuestionnaireCatalog? Catalog, IReadOnlyList<LoadError> Errors) Candidate(string id, int version, string text)
    {
        var others = _loaded?.Sources.Where(s => s.Id != id) ?? [];
        try
        {
            return (QuestionnaireCatalog.FromSources([.. others, new QuestionnaireSource(id, DisplayName(id, version), text, BaseDirectory, version)]), []);
        }
        catch (QuestionnaireLoadException e)
        {
            return (null, e.Errors);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<QuestionnaireDefinition?> FindAsync(string questionnaireId, string pin, CancellationToken cancellationToken)
    {
        if (QuestionnaireDialog.RevisionOf(pin) is not { } version) return null;
        if (_loaded?.Catalog.Find(questionnaireId) is { } current && current.Revision == version) return current;
        if (_earlier.TryGetValue((questionnaireId, version), out var cached)) return cached;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.QuestionnaireVersions.AsNoTracking()
            .FirstOrDefaultAsync(v => v.QuestionnaireId == questionnaireId && v.Version == version && v.State != QuestionnaireVersionStates.Draft, cancellationToken);
        QuestionnaireDefinition? definition = null;
        if (row is not null)
        {
            try
            {
                // Alone: its follow-ups are whatever is published when they are due.
                definition = QuestionnaireCatalog.FromSources([Source(row)], _ => true).Find(questionnaireId);
            }
            catch (QuestionnaireLoadException)
            {
                logger.LogWarning("Version {Version} of {Questionnaire} no longer loads; its conversations start again", version, questionnaireId);
            }
        }
        return _earlier.GetOrAdd((questionnaireId, version), definition);
    }
}

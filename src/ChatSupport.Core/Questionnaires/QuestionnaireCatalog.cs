using ChatSupport.Questionnaires.Loading;

namespace ChatSupport.Questionnaires;

/// <summary>The questionnaires of a tenant, loaded and cross-checked (ids match file names, follow-ups exist).</summary>
public sealed class QuestionnaireCatalog
{
    private readonly Dictionary<string, QuestionnaireDefinition> _byId;

    private QuestionnaireCatalog(Dictionary<string, QuestionnaireDefinition> byId) => _byId = byId;

    public IReadOnlyCollection<QuestionnaireDefinition> All => _byId.Values;

    public QuestionnaireDefinition? Find(string id) => _byId.GetValueOrDefault(id);

    public QuestionnaireDefinition Get(string id) =>
        Find(id) ?? throw new KeyNotFoundException($"No questionnaire '{id}'. Known: {string.Join(", ", _byId.Keys)}.");

    /// <summary>Loads files and folders (their <c>*.yaml</c>/<c>*.yml</c>); throws <see cref="QuestionnaireLoadException"/> listing every error.</summary>
    public static QuestionnaireCatalog Load(params string[] paths)
    {
        var errors = new List<LoadError>();
        var byId = new Dictionary<string, QuestionnaireDefinition>(StringComparer.Ordinal);
        var targets = new List<(string Questionnaire, YamlField Field)>();
        foreach (var file in ExpandPaths(paths, errors))
        {
            var display = Path.GetRelativePath(Directory.GetCurrentDirectory(), file);
            var definition = QuestionnaireReader.Read(file, display, errors, out var context);
            targets.AddRange(context.FollowUpTargets);
            if (definition is null) continue;
            var expected = Path.GetFileNameWithoutExtension(file);
            var (line, column) = ((int)context.IdMark.Line, (int)context.IdMark.Column);
            if (definition.Id != expected)
                errors.Add(new LoadError(display, line, column, "id", $"the id '{definition.Id}' must be the file name '{expected}'."));
            else if (!byId.TryAdd(definition.Id, definition))
                errors.Add(new LoadError(display, line, column, "id", $"another file already defines '{definition.Id}'."));
        }
        foreach (var (questionnaire, field) in targets)
            if (!byId.ContainsKey(questionnaire) && !errors.Any(e => Path.GetFileNameWithoutExtension(e.File) == questionnaire)
                && !SiblingExists(field.Context.Path, questionnaire))
                errors.Add(new LoadError(field.Context.File, (int)field.Node.Start.Line, (int)field.Node.Start.Column, field.Path,
                    $"no questionnaire '{questionnaire}' was loaded with this one; known: {string.Join(", ", byId.Keys)}."));
        if (errors.Count > 0) throw new QuestionnaireLoadException(errors);
        return new QuestionnaireCatalog(byId);
    }

    /// <summary>
    /// Loads questionnaires kept as text (versions in the database) exactly as files are loaded: each is read as the file
    /// <c>{BaseDirectory}/{Id}.yaml</c> (so side files such as <c>areas:</c> resolve in the questionnaires folder), its id
    /// must be <see cref="QuestionnaireSource.Id"/>, and follow-ups must name one of the sources or an id
    /// <paramref name="knownElsewhere"/> accepts. Throws <see cref="QuestionnaireLoadException"/> listing every error, each
    /// naming the source's display name (e.g. <c>covid19-selfcheck@v3</c>).
    /// </summary>
    public static QuestionnaireCatalog FromSources(IEnumerable<QuestionnaireSource> sources, Func<string, bool>? knownElsewhere = null)
    {
        var errors = new List<LoadError>();
        var byId = new Dictionary<string, QuestionnaireDefinition>(StringComparer.Ordinal);
        var targets = new List<(string Questionnaire, YamlField Field)>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            ids.Add(source.Id);
            var path = Path.Combine(Path.GetFullPath(source.BaseDirectory), source.Id + ".yaml");
            var definition = QuestionnaireReader.Read(path, source.DisplayName, source.Text, errors, out var context);
            targets.AddRange(context.FollowUpTargets);
            if (definition is null) continue;
            var (line, column) = ((int)context.IdMark.Line, (int)context.IdMark.Column);
            if (definition.Id != source.Id)
                errors.Add(new LoadError(source.DisplayName, line, column, "id", $"the id '{definition.Id}' must be the questionnaire's id '{source.Id}'."));
            else if (!byId.TryAdd(definition.Id, definition with { Revision = source.Revision }))
                errors.Add(new LoadError(source.DisplayName, line, column, "id", $"another version already defines '{definition.Id}'."));
        }
        foreach (var (questionnaire, field) in targets)
            if (!ids.Contains(questionnaire) && knownElsewhere?.Invoke(questionnaire) != true)
                errors.Add(new LoadError(field.Context.File, (int)field.Node.Start.Line, (int)field.Node.Start.Column, field.Path,
                    $"no questionnaire '{questionnaire}' is published with this one; known: {string.Join(", ", ids.Order(StringComparer.Ordinal))}."));
        if (errors.Count > 0) throw new QuestionnaireLoadException(errors);
        return new QuestionnaireCatalog(byId);
    }

    /// <summary>A follow-up named by a file that was loaded alone may be a file beside it (validate one file of a folder).</summary>
    private static bool SiblingExists(string referrer, string questionnaire) =>
        Path.GetDirectoryName(referrer) is { } dir
        && (File.Exists(Path.Combine(dir, questionnaire + ".yaml")) || File.Exists(Path.Combine(dir, questionnaire + ".yml")));

    private static IEnumerable<string> ExpandPaths(IEnumerable<string> paths, List<LoadError> errors)
    {
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                foreach (var f in Directory.EnumerateFiles(path).Where(IsQuestionnaireFile).Order(StringComparer.Ordinal))
                    yield return Path.GetFullPath(f);
            }
            else if (File.Exists(path)) yield return Path.GetFullPath(path);
            else errors.Add(new LoadError(path, 0, 0, "(file)", "no such file or folder."));
        }
    }

    /// <summary>Whether a file name is one <see cref="Load"/> reads from a folder (<c>*.yaml</c>, <c>*.yml</c>, not hidden).</summary>
    public static bool IsQuestionnaireFile(string f) =>
        (f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
        && !Path.GetFileName(f).StartsWith('.');
}

/// <summary>
/// A questionnaire's YAML kept as text (a version in the database): <paramref name="DisplayName"/> names it in errors
/// (<c>covid19-selfcheck@v3</c>), <paramref name="BaseDirectory"/> is where its side files are (the questionnaires
/// folder), <paramref name="Revision"/> the stored version number the running definition carries.
/// </summary>
public sealed record QuestionnaireSource(string Id, string DisplayName, string Text, string BaseDirectory, int? Revision = null);

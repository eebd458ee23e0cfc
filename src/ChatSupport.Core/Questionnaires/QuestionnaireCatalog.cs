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

    private static bool IsQuestionnaireFile(string f) =>
        (f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
        && !Path.GetFileName(f).StartsWith('.');
}

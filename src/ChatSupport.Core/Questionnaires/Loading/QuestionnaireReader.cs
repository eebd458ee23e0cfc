using System.Text.RegularExpressions;
using ChatSupport.Expressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ChatSupport.Questionnaires.Loading;

/// <summary>Reads one questionnaire file into a <see cref="QuestionnaireDefinition"/>, collecting every error it finds.</summary>
internal static partial class QuestionnaireReader
{
    private static readonly string[] TopFields =
        ["id", "version", "title", "locales", "default_locale", "intro", "consent", "areas", "questions", "computed", "emergencies", "advice", "escalations", "follow_up", "reports", "closing"];

    private static readonly string[] QuestionFields =
        ["id", "type", "text", "options", "min", "max", "unit", "max_length", "min_days", "max_days", "required", "when", "profile", "render", "retry", "max_attempts"];

    internal static readonly Dictionary<string, QuestionType> Types = new()
    {
        ["single"] = QuestionType.Single, ["multiple"] = QuestionType.Multiple, ["integer"] = QuestionType.Integer,
        ["decimal"] = QuestionType.Decimal, ["yes_no"] = QuestionType.YesNo, ["text"] = QuestionType.Text,
        ["date"] = QuestionType.Date, ["postal_code"] = QuestionType.PostalCode, ["message"] = QuestionType.Message,
    };

    /// <summary>UTF-8 that fails on invalid bytes instead of showing residents mojibake.</summary>
    internal static readonly System.Text.Encoding StrictUtf8 = new System.Text.UTF8Encoding(false, true);

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")] internal static partial Regex KebabCase();
    [GeneratedRegex("^[a-z]{2}$")] private static partial Regex Locale();
    [GeneratedRegex("^[a-z][a-z0-9_]*$")] private static partial Regex SnakeCase();

    public static QuestionnaireDefinition? Read(string path, string displayPath, List<LoadError> errors, out LoadContext loadContext) =>
        Read(path, displayPath, text: null, errors, out loadContext);

    /// <summary>
    /// Reads <paramref name="text"/> (a version kept in the database) exactly as if it were the file at <paramref name="path"/>:
    /// side files such as <c>areas:</c> resolve beside that path, errors name <paramref name="displayPath"/>. A null text reads the file.
    /// </summary>
    public static QuestionnaireDefinition? Read(string path, string displayPath, string? text, List<LoadError> errors, out LoadContext loadContext)
    {
        var outer = _text;
        _text = text is null ? null : (path, text);
        try
        {
            return ReadSource(path, displayPath, text, errors, out loadContext);
        }
        finally
        {
            _text = outer;
        }
    }

    /// <summary>The text read in place of the file at this path, on this thread, while <see cref="Read(string, string, string?, List{LoadError}, out LoadContext)"/> runs.</summary>
    [ThreadStatic] private static (string Path, string Text)? _text;

    private static TextReader Open(string path, System.Text.Encoding encoding) =>
        _text is { } t && t.Path == path ? new StringReader(t.Text) : new StreamReader(path, encoding);

    private static string[] ReadLines(string path) => _text is { } t && t.Path == path ? t.Text.ReplaceLineEndings("\n").Split('\n') : File.ReadAllLines(path);

    private static QuestionnaireDefinition? ReadSource(string path, string displayPath, string? text, List<LoadError> errors, out LoadContext loadContext)
    {
        var context = loadContext = new LoadContext(displayPath) { Path = path, Text = text };
        YamlField root;
        try
        {
            using var reader = Open(path, StrictUtf8);
            var stream = new YamlStream();
            stream.Load(reader);
            if (stream.Documents.Count == 0) { errors.Add(new LoadError(displayPath, 1, 1, "(file)", "the file is empty.")); return null; }
            root = new YamlField(stream.Documents[0].RootNode, "", context);
        }
        catch (YamlException e)
        {
            errors.Add(SyntaxError(path, displayPath, e));
            return null;
        }
        catch (System.Text.DecoderFallbackException)
        {
            errors.Add(new LoadError(displayPath, 1, 1, "(file)", "the file is not UTF-8. Save it as UTF-8 (in Excel or Notepad: \"UTF-8\"; Shift_JIS is not read)."));
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner gives up on some malformed input without a position: find where it stopped.
            var mark = LastReadableMark(path);
            if (SourceText(path) is { } source && IndentationHint.Diagnose(source, displayPath, mark, mark) is { } indentation) { errors.Add(indentation); return null; }
            errors.Add(new LoadError(displayPath, (int)mark.Line, (int)mark.Column, "(syntax)", "this is not valid YAML: the text after this point could not be read (check brackets, quotes and indentation)."));
            return null;
        }
        if (!root.IsMapping("a questionnaire")) { errors.AddRange(context.Errors); return null; }
        root.AllowOnly(TopFields);

        var id = root.String("id", true, "the questionnaire id in kebab-case, the same as the file name");
        if (root.Get("id") is { } idField) context.IdMark = idField.Node.Start;
        if (id is not null && !KebabCase().IsMatch(id)) root.Get("id")!.Error($"'{id}' is not allowed; use lower-case letters, digits and '-' (kebab-case), e.g. covid19-selfcheck.");
        var version = root.String("version", true, "a version such as \"2020-03\" or \"1\"; change it whenever the questions change");
        ReadLocales(root, context);
        var title = root.Text("title", true);
        var questions = root.Items("questions", true, "the list of questions").Select(q => ReadQuestion(q, context)).OfType<Question>().ToList();
        CheckUnique(root, "questions", "question");
        if (root.Get("questions") is { Node: YamlSequenceNode { Children.Count: 0 } } emptyQuestions) emptyQuestions.Error("add at least one question.");

        var definition = new RuleReader(root, context, questions).Read(id ?? "", version ?? "", title, path);
        errors.AddRange(context.Errors);
        return context.Errors.Count == 0 ? definition : null;
    }

    internal static LoadError SyntaxError(string path, string displayPath, YamlException e)
    {
        var message = e.InnerException?.Message ?? e.Message;
        if (e is not AnchorNotFoundException && SourceText(path) is { } source && IndentationHint.Diagnose(source, displayPath, e.Start, e.End) is { } indentation) return indentation;
        if (message.Contains("tab character", StringComparison.Ordinal))
            return new LoadError(displayPath, (int)e.End.Line, (int)e.End.Column, "(syntax)", "this is not valid YAML: a tab is used for indentation; indent with spaces.");
        if (e is AnchorNotFoundException && Regex.Match(message, "anchor '([^']+)'") is { Success: true } m)
        {
            var alias = "*" + m.Groups[1].Value;
            var lines = ReadLines(path);
            var line = Array.FindIndex(lines, l => !l.TrimStart().StartsWith('#') && l.Contains(alias, StringComparison.Ordinal));
            if (line >= 0)
                return new LoadError(displayPath, line + 1, lines[line].IndexOf(alias, StringComparison.Ordinal) + 1, "(syntax)",
                    $"this is not valid YAML: '{alias}' repeats a part marked '&{m.Groups[1].Value}', but no such mark comes before it.");
        }
        return new LoadError(displayPath, (int)e.Start.Line, (int)e.Start.Column, "(syntax)", "this is not valid YAML: " + message);
    }

    /// <summary>The text being read, for the indentation hint: the file (a version read from text must be given here, not the file).</summary>
    private static string? SourceText(string path) => _text is { } t && t.Path == path ? t.Text : (File.Exists(path) ? File.ReadAllText(path) : null);

    private static Mark LastReadableMark(string path)
    {
        using var reader = Open(path, System.Text.Encoding.UTF8);
        var parser = new YamlDotNet.Core.Parser(reader);
        var last = new Mark(0, 1, 1);
        try
        {
            while (parser.MoveNext()) last = parser.Current!.End;
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            // Stop at the last event read.
        }
        return last;
    }

    private static void ReadLocales(YamlField root, LoadContext context)
    {
        var locales = root.Get("locales") is { } f
            ? f.Node is YamlSequenceNode seq ? seq.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList() : null
            : ["ja"];
        if (locales is null) { root.Get("locales")!.Error("expected a list of locales, e.g. [ja, en]."); locales = ["ja"]; }
        if (!locales.Contains("ja")) root.Get("locales")!.Error("'ja' is required: every questionnaire must be in Japanese.");
        foreach (var bad in locales.Where(l => !Locale().IsMatch(l)))
            root.Get("locales")!.Error($"'{bad}' is not a locale; write two lower-case letters, e.g. ja, en.");
        var defaultLocale = root.String("default_locale") ?? "ja";
        if (!locales.Contains(defaultLocale)) root.Get("default_locale")!.Error($"'{defaultLocale}' is not in locales ({string.Join(", ", locales)}).");
        context.Locales = locales;
        context.DefaultLocale = defaultLocale;
    }

    private static Question? ReadQuestion(YamlField q, LoadContext context)
    {
        if (!q.IsMapping("a question")) return null;
        q.AllowOnly(QuestionFields);
        var id = q.String("id", true, "a question id in snake_case, e.g. fever");
        if (id is not null && (!SnakeCase().IsMatch(id) || id is "today" or "area"))
            q.Get("id")!.Error($"'{id}' is not allowed; use lower-case letters, digits and '_' starting with a letter (snake_case), not 'today' or 'area'.");
        var typeName = q.OneOf("type", [.. Types.Keys], required: true);
        var text = q.Text("text", true);
        if (id is null || typeName is null || text is null) return null;
        var type = Types[typeName];

        var options = q.Items("options", type is QuestionType.Single or QuestionType.Multiple, "the options to choose from").Select(o => ReadOption(o, type)).OfType<QuestionOption>().ToList();
        CheckUnique(q, "options", "option");
        if (type is QuestionType.Single or QuestionType.Multiple && q.Get("options") is { } of && options.Count < 2)
            of.Error("a choice question needs at least 2 options.");
        NotFor(q, "options", type is not (QuestionType.Single or QuestionType.Multiple), "single and multiple");
        NotFor(q, "min", type is not (QuestionType.Integer or QuestionType.Decimal), "integer and decimal");
        NotFor(q, "max", type is not (QuestionType.Integer or QuestionType.Decimal), "integer and decimal");
        NotFor(q, "unit", type is not (QuestionType.Integer or QuestionType.Decimal), "integer and decimal");
        NotFor(q, "max_length", type != QuestionType.Text, "text");
        NotFor(q, "min_days", type != QuestionType.Date, "date");
        NotFor(q, "max_days", type != QuestionType.Date, "date");
        NotFor(q, "render", type is not (QuestionType.Single or QuestionType.Multiple), "single and multiple");
        foreach (var field in new[] { "required", "profile", "retry", "max_attempts" }) NotFor(q, field, type == QuestionType.Message, "questions that take an answer");

        var min = q.Decimal("min");
        var max = q.Decimal("max");
        if (min > max) q.Get("min")!.Error($"min ({min}) is greater than max ({max}).");
        if (type == QuestionType.Integer)
            foreach (var (name, v) in new[] { ("min", min), ("max", max) })
                if (v is { } x && x != decimal.Truncate(x)) q.Get(name)!.Error($"an integer question needs a whole number here, not {x}.");
        var minDays = q.Int("min_days", -36500, 36500);
        var maxDays = q.Int("max_days", -36500, 36500);
        if (minDays > maxDays) q.Get("min_days")!.Error($"min_days ({minDays}) is greater than max_days ({maxDays}).");

        return new Question(id, type, text)
        {
            Options = options,
            Min = min,
            Max = max,
            Unit = q.Text("unit"),
            MaxLength = type == QuestionType.Text ? q.Int("max_length", 1, 5000) ?? 500 : null,
            MinDays = minDays,
            MaxDays = maxDays,
            Required = q.Bool("required", true),
            Profile = q.Bool("profile", false),
            Rendering = q.OneOf("render", ["auto", "buttons", "list"], "auto") == "list" ? ChoiceRendering.List : ChoiceRendering.Buttons,
            Retry = q.Text("retry"),
            MaxAttempts = q.Int("max_attempts", 1, 10) ?? 3,
        };
    }

    private static QuestionOption? ReadOption(YamlField o, QuestionType type)
    {
        if (!o.IsMapping("an option")) return null;
        o.AllowOnly("id", "label", "short", "synonyms", "number", "exclusive");
        var id = o.String("id", true, "an option id in snake_case, e.g. none");
        if (id is not null && !SnakeCase().IsMatch(id)) o.Get("id")!.Error($"'{id}' is not allowed; use snake_case (lower-case letters, digits, '_').");
        var label = o.Text("label", true);
        NotFor(o, "exclusive", type != QuestionType.Multiple, "options of multiple");
        if (id is null || label is null) return null;
        return new QuestionOption(id, label)
        {
            Short = o.Text("short"),
            Synonyms = o.Strings("synonyms"),
            Number = o.Decimal("number"),
            Exclusive = o.Bool("exclusive", false),
        };
    }

    private static void NotFor(YamlField f, string field, bool notAllowed, string allowedFor)
    {
        if (notAllowed && f.Get(field) is { } g) g.Error($"'{field}' is only for {allowedFor} questions.");
    }

    internal static void CheckUnique(YamlField parent, string listKey, string what)
    {
        if (parent.Get(listKey) is not { Node: YamlSequenceNode }) return;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in parent.Items(listKey))
            if (item.Get("id") is { } idField && idField.Node is YamlScalarNode { Value: { } v } && !seen.Add(v))
                idField.Error($"the {what} id '{v}' is used twice; ids must be unique.");
    }
}

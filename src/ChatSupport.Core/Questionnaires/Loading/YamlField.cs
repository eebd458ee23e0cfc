using System.Globalization;
using ChatSupport.Expressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ChatSupport.Questionnaires.Loading;

/// <summary>
/// A YAML node with the field path that leads to it (<c>questions[fever].options[2].label</c>) and an error sink,
/// so every reader reports file, line, column and field in the staff's own terms.
/// </summary>
internal sealed class YamlField(YamlNode node, string path, LoadContext context)
{
    public YamlNode Node { get; } = node;
    public string Path { get; } = path;
    public LoadContext Context { get; } = context;

    public void Error(string message) => Context.Error(Node.Start, Path, message);

    private YamlMappingNode? Map => Node as YamlMappingNode;

    public bool IsMapping(string what)
    {
        if (Node is YamlMappingNode) return true;
        Error($"expected {what} (fields written as 'name: value'), found {Describe(Node)}.");
        return false;
    }

    /// <summary>Reports fields that are not in <paramref name="allowed"/> (typos such as 'optons').</summary>
    public void AllowOnly(params string[] allowed) => AllowOnly(allowed, []);

    /// <summary>As <see cref="AllowOnly(string[])"/>, passing over <paramref name="alsoAllowed"/> fields that are reported more precisely elsewhere.</summary>
    public void AllowOnly(string[] allowed, string[] alsoAllowed)
    {
        if (Map is null) return;
        foreach (var (key, _) in Map.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (!allowed.Contains(name) && !alsoAllowed.Contains(name))
                Context.Error(key.Start, Join(name), $"unknown field '{name}'.{NameSuggestion.Hint(name, allowed)} Allowed here: {string.Join(", ", allowed)}.");
        }
    }

    public YamlField? Get(string key)
    {
        if (Map is null) return null;
        return Map.Children.TryGetValue(new YamlScalarNode(key), out var child) && !IsNull(child)
            ? new YamlField(child, Join(key), Context)
            : null;
    }

    public YamlField? Required(string key, string what)
    {
        var field = Get(key);
        if (field is null) Context.Error(Node.Start, Join(key), $"is required: {what}.");
        return field;
    }

    public string? Scalar()
    {
        if (Node is YamlScalarNode s) return s.Value;
        Error($"expected a single value, found {Describe(Node)}.");
        return null;
    }

    public string? String(string key, bool required = false, string what = "a value")
    {
        var f = required ? Required(key, what) : Get(key);
        return f?.Scalar();
    }

    public bool Bool(string key, bool defaultValue)
    {
        if (Get(key) is not { } f || f.Scalar() is not { } s) return defaultValue;
        if (s is "true" or "yes") return true;
        if (s is "false" or "no") return false;
        f.Error($"'{s}' is not allowed; write true or false.");
        return defaultValue;
    }

    public decimal? Decimal(string key)
    {
        if (Get(key) is not { } f || f.Scalar() is not { } s) return null;
        if (decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        f.Error($"'{s}' is not a number.");
        return null;
    }

    public int? Int(string key, int min, int max)
    {
        if (Get(key) is not { } f || f.Scalar() is not { } s) return null;
        if (int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) && i >= min && i <= max) return i;
        f.Error($"'{s}' is not allowed; write a whole number from {min} to {max}.");
        return null;
    }

    /// <summary>One of <paramref name="allowed"/>; reports the value and the allowed ones otherwise.</summary>
    public string? OneOf(string key, string[] allowed, string? defaultValue = null, bool required = false)
    {
        var f = required ? Required(key, "one of " + string.Join(", ", allowed)) : Get(key);
        if (f?.Scalar() is not { } s) return defaultValue;
        if (allowed.Contains(s)) return s;
        f.Error($"'{s}' is not allowed; allowed: {string.Join(", ", allowed)}.");
        return defaultValue;
    }

    /// <summary>A list of words, e.g. synonyms: <c>[なし, ない, none]</c>.</summary>
    public IReadOnlyList<string> Strings(string key)
    {
        if (Get(key) is not { } f) return [];
        if (f.Node is YamlSequenceNode seq && seq.Children.All(c => c is YamlScalarNode { Value.Length: > 0 }))
            return [.. seq.Children.Cast<YamlScalarNode>().Select(c => c.Value!)];
        f.Error("expected a list of words, e.g. [なし, ない, none].");
        return [];
    }

    public IEnumerable<YamlField> Items(string key, bool required = false, string what = "a list")
    {
        var f = required ? Required(key, what) : Get(key);
        if (f is null) yield break;
        if (f.Node is not YamlSequenceNode seq)
        {
            f.Error($"expected a list (lines starting with '- '), found {Describe(f.Node)}.");
            yield break;
        }
        var i = 0;
        foreach (var child in seq.Children)
        {
            var id = NameOf(child as YamlMappingNode);
            yield return new YamlField(child, $"{f.Path}[{id ?? i.ToString(CultureInfo.InvariantCulture)}]", Context);
            i++;
        }
    }

    /// <summary>How a list item is named in error paths: its id, group, category or name, else its index.</summary>
    private static string? NameOf(YamlMappingNode? item)
    {
        if (item is null) return null;
        foreach (var key in (string[])["id", "group", "category", "name"])
            if (item.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode { Value: { Length: > 0 } name }) return name;
        return null;
    }

    /// <summary>A user-facing text: a map of locale → text (ja required), or a plain string for a questionnaire with one locale.</summary>
    public LocalizedText? Text(string key, bool required = false)
    {
        var f = required ? Required(key, "a text (ja: …, en: …)") : Get(key);
        return f?.AsText();
    }

    public LocalizedText? AsText()
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Node is YamlScalarNode s)
        {
            if (Context.Locales.Count > 1)
            {
                Error($"give this text for each locale of the questionnaire ({string.Join(", ", Context.Locales)}), e.g. 'ja: …' and 'en: …' on their own lines.");
                return null;
            }
            if (string.IsNullOrWhiteSpace(s.Value)) { Error("the text is empty."); return null; }
            texts[Context.DefaultLocale] = s.Value;
        }
        else if (Node is YamlMappingNode m)
        {
            foreach (var (k, v) in m.Children)
            {
                var locale = (k as YamlScalarNode)?.Value ?? "";
                if (!Context.Locales.Contains(locale))
                {
                    Context.Error(k.Start, Join(locale), $"'{locale}' is not a locale of this questionnaire; its locales are: {string.Join(", ", Context.Locales)}.");
                    continue;
                }
                if (v is YamlScalarNode text && !string.IsNullOrWhiteSpace(text.Value)) texts[locale] = text.Value!;
                else Context.Error(v.Start, Join(locale), v is YamlScalarNode ? "the text is empty." : "expected a text.");
            }
            foreach (var missing in Context.Locales.Where(l => !texts.ContainsKey(l)))
                Error($"the text for locale '{missing}' is missing (every locale listed in 'locales' needs one).");
        }
        else
        {
            Error($"expected a text, found {Describe(Node)}.");
            return null;
        }
        return texts.Count == 0 ? null : new LocalizedText(texts);
    }

    /// <summary>Where a character of this scalar's value is in the file (for errors inside expressions).</summary>
    public Mark PositionOf(int offset)
    {
        var start = Node.Start;
        if (Node is YamlScalarNode { Style: ScalarStyle.Literal or ScalarStyle.Folded } block)
        {
            // "|-" texts start on the next line; count lines within the text and add the line's indentation.
            var before = (block.Value ?? "")[..Math.Min(offset, block.Value?.Length ?? 0)];
            var lineInText = before.Count(c => c == '\n');
            var column = before.Length - (before.LastIndexOf('\n') + 1);
            var fileLine = (int)start.Line + 1 + lineInText;
            var indent = fileLine - 1 < Context.Lines.Length ? Context.Lines[fileLine - 1].TakeWhile(c => c == ' ').Count() : 0;
            return new Mark(start.Index, fileLine, indent + column + 1);
        }
        var quote = Node is YamlScalarNode { Style: ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted } ? 1 : 0;
        return new Mark(start.Index + offset, start.Line, start.Column + quote + offset);
    }

    private string Join(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    private static bool IsNull(YamlNode node) => node is YamlScalarNode { Style: ScalarStyle.Plain, Value: "" or "~" or "null" };

    private static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode s => $"'{s.Value}'",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a group of fields",
        _ => "something else",
    };
}

/// <summary>Errors of one file, and the locales its texts must have.</summary>
internal sealed class LoadContext(string file)
{
    public string File { get; } = file;
    public List<LoadError> Errors { get; } = [];
    /// <summary>Where the questionnaire's id is written (for errors about the id found when all files are read).</summary>
    public Mark IdMark { get; set; } = new(0, 1, 1);
    private string[]? _lines;

    /// <summary>The file's lines (read once, for positions inside block texts).</summary>
    public string[] Lines => _lines ??= Text is { } text ? text.ReplaceLineEndings("\n").Split('\n')
        : System.IO.File.Exists(Path) ? System.IO.File.ReadAllLines(Path) : [];

    /// <summary>The questionnaire's text when it comes from the database rather than the file at <see cref="Path"/>.</summary>
    public string? Text { get; set; }

    public string Path { get; set; } = "";
    public IReadOnlyList<string> Locales { get; set; } = ["ja"];
    public string DefaultLocale { get; set; } = "ja";
    /// <summary>Questionnaires named by follow-up rules, checked against the catalogue once every file is read.</summary>
    public List<(string Questionnaire, YamlField Field)> FollowUpTargets { get; } = [];

    public void Error(Mark mark, string field, string message) =>
        Errors.Add(new LoadError(File, (int)mark.Line, (int)mark.Column, field, message));
}

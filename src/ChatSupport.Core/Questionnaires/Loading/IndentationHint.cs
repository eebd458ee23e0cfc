using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ChatSupport.Questionnaires.Loading;

/// <summary>
/// Turns YamlDotNet's "did not find expected key" into what staff did wrong: a line indented with a tab, or by
/// a space more or less than the fields or list items around it, named by the field it sits under. It re-reads the
/// text up to the error, keeping the block fields and lists that were open (and those the bad line closed), each
/// with the column its entries start at; the bad line's column is then compared with theirs.
/// </summary>
internal static class IndentationHint
{
    /// <summary>A block mapping or sequence as written: where its entries start and the last entry seen.</summary>
    private sealed class Level(bool isList, string path, int column)
    {
        public bool IsList { get; } = isList;
        public string Path { get; set; } = path;
        public int Column { get; } = column;
        public int Index { get; set; }
        public bool ExpectKey { get; set; } = true;
        public string? LastKey { get; set; }
        public int LastLine { get; set; }
        /// <summary>The line a scalar value of <see cref="LastKey"/> began on (a plain value may go on to the next lines).</summary>
        public int ScalarValueLine { get; set; }
        public bool IsItemOf(Level? parent) => parent is { IsList: true };

        public string Describe() => IsList ? $"the items of {Path}" : Path.Length == 0 ? "the top-level fields" : $"the fields of {Path}";
        public string Example() => IsList ? $"'-' on line {LastLine}" : $"'{LastKey}' on line {LastLine}";
    }

    /// <summary>
    /// An error naming the line, the field it is under and the indentation to use, or null when the error is not
    /// about indentation. <paramref name="start"/> and <paramref name="end"/> are where YamlDotNet stopped (a tab is
    /// found at the end of the value before it).
    /// </summary>
    public static LoadError? Diagnose(string text, string displayPath, Mark start, Mark end)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var first = (int)start.Line;
        var last = Math.Min(Math.Max(first, (int)end.Line), lines.Length);
        if (first < 1 || first > lines.Length) return null;
        for (var n = first; n <= last; n++)
        {
            var line = lines[n - 1];
            var indentation = line[..(line.Length - line.TrimStart(' ', '\t').Length)];
            if (indentation.Contains('\t', StringComparison.Ordinal))
                return TabError(displayPath, n, line.TrimStart(' ', '\t').StartsWith('-'), ReadLevels(text, n).Open);
        }
        var (open, closed) = ReadLevels(text, first);
        return Misplaced(displayPath, lines, first, open, closed);
    }

    private static LoadError? TabError(string file, int lineNumber, bool isItem, List<Level> open)
    {
        var level = open.LastOrDefault(l => l.IsList == isItem && l.Column > 0 && l.LastLine > 0) ?? open.LastOrDefault(l => l.Column > 0);
        if (level is null) return null;
        return new LoadError(file, lineNumber, 1, FieldOf(level),
            $"wrong indentation: line {lineNumber} is indented with a tab; YAML needs spaces. Indent it with {Spaces(level.Column)} like {level.Describe()} ({level.Example()}).");
    }

    private static LoadError? Misplaced(string file, string[] lines, int lineNumber, List<Level> open, List<Level> closed)
    {
        var line = lines[lineNumber - 1];
        var column = line.Length - line.TrimStart(' ').Length + 1;
        var isItem = line.TrimStart(' ').StartsWith("- ", StringComparison.Ordinal) || line.Trim() == "-";
        var at = $"wrong indentation: line {lineNumber} starts at column {column}";

        // Further in than a field whose value was written on the line above: YAML reads it as more of that value.
        if (open.LastOrDefault() is { IsList: false, Column: > 0, LastKey: not null } owner && column > owner.Column
            && (owner.ScalarValueLine is > 0 and var valueLine ? valueLine < lineNumber : !owner.ExpectKey && owner.LastLine < lineNumber))
            return new LoadError(file, lineNumber, column, FieldOf(owner),
                $"{at}, further in than '{owner.LastKey}' on line {owner.LastLine}, so it is read as part of the value of '{owner.LastKey}'. Indent it with {Spaces(owner.Column)} like '{owner.LastKey}'.");

        var candidates = open.Concat(closed).Where(l => l.IsList == isItem && l.Column > 0 && l.LastLine > 0 && l.LastLine < lineNumber).ToList();
        if (candidates.Count == 0 || candidates.Any(l => l.Column == column)) return null;
        // The nearest column wins; on a tie, the deeper block (the line most likely continues the block above it).
        var best = candidates.OrderBy(l => Math.Abs(l.Column - column)).ThenByDescending(l => l.Column).First();
        var other = candidates.Where(l => Math.Sign(l.Column - column) != Math.Sign(best.Column - column))
            .OrderBy(l => Math.Abs(l.Column - column)).FirstOrDefault();
        var alternative = other is null ? "." : other.Path.Length == 0 && !other.IsList
            ? ", or with none if it is a top-level field."
            : $", or with {Spaces(other.Column)} if it is {(isItem ? "an item" : "a field")} of {other.Path}.";
        return new LoadError(file, lineNumber, column, FieldOf(best),
            $"{at}, but {best.Describe()} above start at column {best.Column} ({best.Example()}). Indent it with {Spaces(best.Column)} like them{alternative}");
    }

    private static string FieldOf(Level level) => level.Path.Length == 0 ? "(top level)" : level.Path;

    private static string Spaces(int column) => column switch
    {
        1 => "no spaces",
        2 => "1 space",
        _ => (column - 1).ToString(CultureInfo.InvariantCulture) + " spaces",
    };

    /// <summary>The block levels open when the parser stopped, and those closed on <paramref name="lineNumber"/> (the bad line ended them).</summary>
    private static (List<Level> Open, List<Level> Closed) ReadLevels(string text, int lineNumber)
    {
        var open = new List<Level>();
        var closed = new List<Level>();
        var parser = new Parser(new StringReader(text));
        try
        {
            while (parser.MoveNext())
            {
                var e = parser.Current!;
                var parent = open.LastOrDefault();
                switch (e)
                {
                    case MappingStart or SequenceStart:
                        var path = ChildPath(parent);
                        Entered(parent, e);
                        // Flow collections ({…}, […]) are kept for the nesting but have no indentation (column 0).
                        var block = e is MappingStart { Style: not MappingStyle.Flow } or SequenceStart { Style: not SequenceStyle.Flow };
                        open.Add(new Level(e is SequenceStart, path, block ? (int)e.Start.Column : 0));
                        break;
                    case MappingEnd or SequenceEnd:
                        var done = open[^1];
                        open.RemoveAt(open.Count - 1);
                        if ((int)e.Start.Line >= lineNumber && done.Column > 0) closed.Add(done);
                        else closed.Clear();
                        Entered(open.LastOrDefault(), null);
                        break;
                    case Scalar scalar:
                        OnScalar(parent, open.Count > 1 ? open[^2] : null, scalar);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException)
        {
            // Expected: the text is broken somewhere; what was read up to there is enough. The value being read
            // when it broke may be the item's id: take it from the line.
            if (open.Count > 1 && open[^1] is { IsList: false, ExpectKey: false, LastKey: "id" or "group" or "category" or "name" } item && item.IsItemOf(open[^2])
                && NamedPath(item.Path) is { } unnamed && ValueOn(text, item.LastLine, item.LastKey) is { Length: > 0 } value)
                item.Path = unnamed + $"[{value}]";
        }
        return (open, closed);
    }

    /// <summary>A nested block is the value of the parent's key, or the parent list's next item.</summary>
    private static void Entered(Level? parent, ParsingEvent? child)
    {
        if (parent is null) return;
        if (child is null) { if (!parent.IsList) parent.ExpectKey = true; return; }
        if (parent.IsList) { parent.LastLine = (int)child.Start.Line; parent.Index++; }
        else { parent.ExpectKey = false; parent.ScalarValueLine = 0; }
    }

    private static void OnScalar(Level? level, Level? grandparent, Scalar scalar)
    {
        if (level is null) return;
        if (level.IsList) { level.LastLine = (int)scalar.Start.Line; level.Index++; return; }
        if (level.ExpectKey)
        {
            level.LastKey = scalar.Value;
            level.LastLine = (int)scalar.Start.Line;
            level.ScalarValueLine = 0;
            level.ExpectKey = false;
            return;
        }
        // A list item is named by its id (or group, category, name) as in load errors: questions[fever].
        if (level.IsItemOf(grandparent) && level.LastKey is "id" or "group" or "category" or "name" && NamedPath(level.Path) is { } unnamed)
            level.Path = unnamed + $"[{scalar.Value}]";
        level.ScalarValueLine = (int)scalar.Start.Line;
        level.ExpectKey = true;
    }

    /// <summary>The list's path when <paramref name="path"/> still names its item by position (<c>questions[0]</c>), else null.</summary>
    private static string? NamedPath(string path) =>
        path.EndsWith(']') && path.LastIndexOf('[') is var at and >= 0 && path[(at + 1)..^1].All(char.IsAsciiDigit) ? path[..at] : null;

    /// <summary>The plain value written after <c>key:</c> on a line (<c>- id: fever</c> → fever).</summary>
    private static string? ValueOn(string text, int lineNumber, string key)
    {
        var line = text.Split('\n').ElementAtOrDefault(lineNumber - 1);
        var at = line?.IndexOf(key + ":", StringComparison.Ordinal) ?? -1;
        return at < 0 ? null : line![(at + key.Length + 1)..].Split('#')[0].Trim().Trim('"', '\'');
    }

    private static string ChildPath(Level? parent) => parent switch
    {
        null => "",
        { IsList: true } => $"{parent.Path}[{parent.Index.ToString(CultureInfo.InvariantCulture)}]",
        _ => parent.Path.Length == 0 ? parent.LastKey ?? "" : $"{parent.Path}.{parent.LastKey}",
    };
}

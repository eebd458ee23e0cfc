using System.Text;

namespace ChatSupport.Questionnaires;

/// <summary>
/// A tenant table keyed by postal code (or its prefix) or by area, e.g. the consultation centre for each area:
/// <c>dialogs/areas/*.csv</c>. For a postal code the longest key it starts with wins; for an area chosen from a list
/// the key is the option id; <c>*</c> is the default row.
/// </summary>
public sealed class AreaTable
{
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _rows;

    private AreaTable(string path, string keyQuestion, bool byPrefix, IReadOnlyList<string> columns, Dictionary<string, IReadOnlyDictionary<string, string>> rows)
    {
        Path = path;
        ByPrefix = byPrefix;
        KeyQuestion = keyQuestion;
        Columns = columns;
        _rows = rows;
    }

    public string Path { get; }
    /// <summary>The question whose answer selects the row: a postal code, or a single choice of area.</summary>
    public string KeyQuestion { get; }
    /// <summary>Postal codes match by prefix; area option ids match exactly.</summary>
    public bool ByPrefix { get; }
    public IEnumerable<string> Keys => _rows.Keys;
    public IReadOnlyList<string> Columns { get; }

    public IReadOnlyDictionary<string, string>? Lookup(string? key)
    {
        if (key is not null && !ByPrefix && _rows.TryGetValue(key, out var exact)) return exact;
        if (key is not null && ByPrefix)
            for (var length = key.Length; length > 0; length--)
                if (_rows.TryGetValue(key[..length], out var row)) return row;
        return _rows.GetValueOrDefault("*");
    }

    /// <summary>Reads a UTF-8 CSV whose first column is <c>key</c>; lines starting with '#' are comments.</summary>
    public static AreaTable Load(string path, string keyQuestion, bool byPrefix = true)
    {
        string[] all;
        try { all = File.ReadAllLines(path, new UTF8Encoding(false, true)); }
        catch (DecoderFallbackException) { throw new FormatException($"{path}: the table is not UTF-8. Save it as UTF-8 (Excel: \"CSV UTF-8\"); Shift_JIS is not read."); }
        var lines = all
            .Select((text, index) => (text, line: index + 1))
            .Where(l => l.text.Trim().Length > 0 && !l.text.TrimStart().StartsWith('#'))
            .ToList();
        if (lines.Count == 0) throw new FormatException($"{path}: the table is empty; its first line must be the header (key,…).");
        var header = SplitCsv(lines[0].text);
        if (header[0] != "key") throw new FormatException($"{path}:{lines[0].line}: the first column must be 'key', not '{header[0]}'.");
        var rows = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var (text, line) in lines.Skip(1))
        {
            var cells = SplitCsv(text);
            if (cells.Count != header.Count)
                throw new FormatException($"{path}:{line}: {cells.Count} cells, but the header has {header.Count}.");
            if (!rows.TryAdd(cells[0], header.Zip(cells).Skip(1).ToDictionary(p => p.First, p => p.Second)))
                throw new FormatException($"{path}:{line}: the key '{cells[0]}' appears twice.");
        }
        return new AreaTable(path, keyQuestion, byPrefix, [.. header.Skip(1)], rows);
    }

    private static List<string> SplitCsv(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
            else if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { cells.Add(cell.ToString().Trim()); cell.Clear(); }
            else cell.Append(c);
        }
        cells.Add(cell.ToString().Trim());
        return cells;
    }
}

namespace ChatSupport.Expressions;

/// <summary>
/// "Did you mean …?" for a misspelt name: the nearest known name by edit distance, offered only when it is close
/// enough to be the likely intent (so 'colour' suggests nothing rather than a random field).
/// </summary>
internal static class NameSuggestion
{
    /// <summary><c>" Did you mean 'x'?"</c>, or an empty string when no known name is near.</summary>
    public static string Hint(string name, IEnumerable<string> known)
    {
        var near = known.OrderBy(k => Distance(k, name)).FirstOrDefault();
        return near is not null && Distance(near, name) <= Math.Max(2, name.Length / 3) ? $" Did you mean '{near}'?" : "";
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions each cost one.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
}

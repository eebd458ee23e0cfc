namespace ChatSupport.Residents;

/// <summary>
/// The one locale rule: a resident's, a tenant's or a channel's locale ("ja-JP", "en_US", "EN") names its language by
/// its first subtag, in lower case; none, or one that names no language, is Japanese. The engine speaks Japanese, and
/// English to whoever asks for it; a questionnaire may have other languages (<see cref="Questionnaires.QuestionnaireDefinition.ResolveLocale"/>).
/// </summary>
public static class Locales
{
    public const string Japanese = "ja";
    public const string English = "en";

    /// <summary>The language of <paramref name="locale"/>: "en-US" → "en", "ja_JP" → "ja", null or "x" → "ja".</summary>
    public static string Language(string? locale)
    {
        if (string.IsNullOrWhiteSpace(locale)) return Japanese;
        var span = locale.AsSpan().Trim();
        var end = span.IndexOfAny('-', '_');
        var first = end < 0 ? span : span[..end];
        return first.Length is 2 or 3 && IsLetters(first) ? first.ToString().ToLowerInvariant() : Japanese;
    }

    /// <summary>Whether <paramref name="locale"/> asks for English.</summary>
    public static bool IsEnglish(string? locale) => Language(locale) == English;

    private static bool IsLetters(ReadOnlySpan<char> s)
    {
        foreach (var c in s) if (c is not ((>= 'a' and <= 'z') or (>= 'A' and <= 'Z'))) return false;
        return true;
    }
}

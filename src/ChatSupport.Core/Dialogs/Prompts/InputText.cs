using System.Globalization;
using System.Text;

namespace ChatSupport.Dialogs.Prompts;

/// <summary>
/// Forgiving reading of what residents type on a phone: full-width digits and letters, the many dashes of
/// Japanese keyboards, units after numbers, "today"/"昨日" for dates.
/// </summary>
public static class InputText
{
    private static readonly char[] Dashes = ['‐', '‑', '‒', '–', '—', '―', '−', '－', '﹣', '⁃'];

    private static readonly char[] TrailingPunctuation = ['.', '!', '?', '。', '、', ',', '〜', '~'];

    /// <summary>
    /// The form inputs are compared in: NFKC (full-width to ASCII), katakana as hiragana (ハイ = はい), dashes as '-'
    /// (not the long mark of データ), lower case, trimmed of spaces and trailing punctuation ("はい！", "Yes.").
    /// </summary>
    public static string Normalize(string? input)
    {
        if (string.IsNullOrWhiteSpace(input)) return "";
        var s = input.Normalize(NormalizationForm.FormKC).Trim().TrimEnd(TrailingPunctuation).TrimEnd();
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (Array.IndexOf(Dashes, c) >= 0) sb.Append('-');
            else if (c is >= 'ァ' and <= 'ヶ') sb.Append((char)(c - 0x60));
            else sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary>A Japanese postal code as 7 digits: accepts 2200012, 220-0012, ２２０－００１２, 〒220-0012.</summary>
    public static string? PostalCode(string? input)
    {
        // Between digits, the katakana long mark ー is what a Japanese keyboard often gives for a hyphen.
        var s = Normalize(input).Replace("〒", "", StringComparison.Ordinal).Replace('ー', '-').Replace(" ", "", StringComparison.Ordinal);
        var digits = new StringBuilder(7);
        foreach (var c in s)
        {
            if (char.IsAsciiDigit(c)) digits.Append(c);
            else if (c is not ('-' or ' ')) return null;
        }
        return digits.Length == 7 && (s.Count(c => c == '-') == 0 || s.IndexOf('-') == 3) ? digits.ToString() : null;
    }

    private static readonly string[] Units = ["歳", "才", "さい", "℃", "°c", "度", "%", "日", "回", "kg", "cm", "mmhg", "人", "時間", "分", "yearsold", "years", "year", "days", "day"];

    /// <summary>A number, allowing full-width digits, thousands separators, a sign and a unit after it ("７０歳", "36.8℃").</summary>
    public static decimal? Number(string? input, string? unit = null)
    {
        var s = Normalize(input).Replace(" ", "", StringComparison.Ordinal);
        // A comma only as a thousands separator (1,200); "36,8" is not read as 368.
        if (s.Contains(',', StringComparison.Ordinal))
        {
            if (!System.Text.RegularExpressions.Regex.IsMatch(s, @"^-?\d{1,3}(,\d{3})+(\.\d+)?\D*$")) return null;
            s = s.Replace(",", "", StringComparison.Ordinal);
        }
        if (unit is not null && s.EndsWith(Normalize(unit), StringComparison.Ordinal)) s = s[..^Normalize(unit).Length];
        foreach (var u in Units)
            if (s.EndsWith(u, StringComparison.Ordinal)) { s = s[..^u.Length]; break; }
        return decimal.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d) ? d : null;
    }

    /// <summary>A date relative to <paramref name="today"/>: ISO, y/m/d, m/d, 11月20日, 今日, 昨日, 一昨日, N日前, today, yesterday.</summary>
    public static DateOnly? Date(string? input, DateOnly today)
    {
        var s = Normalize(input).Replace(" ", "", StringComparison.Ordinal);
        switch (s)
        {
            case "今日" or "きょう" or "本日" or "today": return today;
            case "昨日" or "きのう" or "yesterday": return today.AddDays(-1);
            case "一昨日" or "おととい" or "おとつい": return today.AddDays(-2);
        }
        if (s.EndsWith("日前", StringComparison.Ordinal) && int.TryParse(s[..^2], out var ago) && ago is >= 0 and < 3650)
            return today.AddDays(-ago);
        if (s.EndsWith("daysago", StringComparison.Ordinal) && int.TryParse(s[..^7], out ago) && ago is >= 0 and < 3650)
            return today.AddDays(-ago);
        s = EraToYear(s).Replace("年", "/", StringComparison.Ordinal).Replace("月", "/", StringComparison.Ordinal)
             .Replace("日", "", StringComparison.Ordinal).Replace('-', '/').Replace('.', '/');
        var parts = s.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 2 or > 3 || !parts.All(p => p.All(char.IsAsciiDigit))) return null;
        var n = parts.Select(int.Parse).ToArray();
        var (y, m, d) = n.Length == 3 ? (n[0], n[1], n[2]) : (today.Year, n[0], n[1]);
        if (y < 100) y += 2000;
        if (m is < 1 or > 12 || d < 1 || y is < 1900 or > 2200 || d > DateTime.DaysInMonth(y, m)) return null;
        var date = new DateOnly(y, m, d);
        // "12/31" typed on 1 January means last year's.
        return n.Length == 2 && date > today.AddDays(31) ? date.AddYears(-1) : date;
    }

    private static readonly (string Name, int Offset)[] Eras = [("令和", 2018), ("平成", 1988), ("昭和", 1925), ("r", 2018), ("h", 1988), ("s", 1925)];

    /// <summary>令和8年 → 2026年, 平成元年 → 1989年.</summary>
    private static string EraToYear(string s)
    {
        foreach (var (name, offset) in Eras)
        {
            if (!s.StartsWith(name, StringComparison.Ordinal)) continue;
            var rest = s[name.Length..].Replace("元", "1", StringComparison.Ordinal);
            var digits = new string([.. rest.TakeWhile(char.IsAsciiDigit)]);
            if (digits.Length == 0) return s;
            var separator = rest[digits.Length..];
            if (!(separator.StartsWith('年') || separator.StartsWith('/') || separator.StartsWith('.'))) return s;
            return (offset + int.Parse(digits, CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture) + "/" + separator[1..];
        }
        return s;
    }

    private static readonly string[] Yes = ["はい", "yes", "y", "ある", "あり", "有り", "有る", "有", "うん", "そうです", "ok"];
    private static readonly string[] No = ["いいえ", "no", "n", "ない", "無い", "なし", "無し", "無", "いや", "ありません", "いえ"];

    public static bool? YesNo(string? input)
    {
        var s = Normalize(input);
        if (Yes.Contains(s)) return true;
        if (No.Contains(s)) return false;
        return null;
    }

    /// <summary>Length as a person counts it (grapheme clusters: an emoji or a kanji with a variation selector is one).</summary>
    public static int PerceivedLength(string text) => new StringInfo(text).LengthInTextElements;
}

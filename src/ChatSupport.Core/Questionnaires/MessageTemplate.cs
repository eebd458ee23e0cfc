using System.Globalization;
using System.Text;
using ChatSupport.Expressions;

namespace ChatSupport.Questionnaires;

/// <summary>
/// A message per locale with placeholders: <c>{age}</c>, <c>{area.centre}</c>, <c>{fever_days + 1}</c>.
/// Placeholders are expressions, compiled when the file loads; choice answers print as their labels.
/// </summary>
public sealed class MessageTemplate
{
    private readonly IReadOnlyDictionary<string, IReadOnlyList<Segment>> _byLocale;
    private readonly IReadOnlyDictionary<string, Question> _questions;

    internal MessageTemplate(IReadOnlyDictionary<string, IReadOnlyList<Segment>> byLocale, IReadOnlyDictionary<string, Question> questions)
    {
        _byLocale = byLocale;
        _questions = questions;
    }

    internal abstract record Segment;
    internal sealed record Literal(string Text) : Segment;
    internal sealed record Placeholder(CompiledExpression Expression) : Segment;

    /// <summary>Compiles every locale's text; throws <see cref="ExpressionException"/> with the position in that text.</summary>
    internal static MessageTemplate Compile(LocalizedText text, SymbolTable symbols, IReadOnlyDictionary<string, Question> questions, Action<string, ExpressionException> onError)
    {
        var result = new Dictionary<string, IReadOnlyList<Segment>>();
        foreach (var (locale, source) in text.ByLocale)
        {
            try { result[locale] = Parse(source, symbols); }
            catch (ExpressionException e) { onError(locale, e); }
        }
        return new MessageTemplate(result, questions);
    }

    private static List<Segment> Parse(string source, SymbolTable symbols)
    {
        var segments = new List<Segment>();
        var literal = new StringBuilder();
        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            if (c == '{' && i + 1 < source.Length && source[i + 1] == '{') { literal.Append('{'); i++; continue; }
            if (c == '}' && i + 1 < source.Length && source[i + 1] == '}') { literal.Append('}'); i++; continue; }
            if (c == '}') throw new ExpressionException("A '}' without its '{': write '}}' for a brace.", i);
            if (c != '{') { literal.Append(c); continue; }
            var end = source.IndexOf('}', i + 1);
            if (end < 0) throw new ExpressionException("This '{' is not closed: add '}' (or write '{{' for a brace).", i);
            if (literal.Length > 0) { segments.Add(new Literal(literal.ToString())); literal.Clear(); }
            try { segments.Add(new Placeholder(CompiledExpression.Compile(source[(i + 1)..end], symbols))); }
            catch (ExpressionException e) { throw new ExpressionException(e.Message, i + 1 + e.Position); }
            i = end;
        }
        if (literal.Length > 0) segments.Add(new Literal(literal.ToString()));
        return segments;
    }

    public string Render(string locale, IEvaluationScope scope)
    {
        var segments = _byLocale.TryGetValue(locale, out var s) ? s : _byLocale.TryGetValue("ja", out var ja) ? ja : _byLocale.Values.First();
        var sb = new StringBuilder();
        foreach (var segment in segments)
        {
            if (segment is Literal l) sb.Append(l.Text);
            else if (segment is Placeholder p)
            {
                var question = _questions.GetValueOrDefault(p.Expression.Source.Trim());
                sb.Append(Format(p.Expression.Evaluate(scope), question, locale));
            }
        }
        return sb.ToString();
    }

    /// <summary>A value as a resident reads it: option labels, localized dates, numbers without trailing zeros.</summary>
    public static string Format(object? value, Question? question, string locale) => value switch
    {
        null => locale == "ja" ? "（未回答）" : "(no answer)",
        string id when question?.FindOption(id) is { } o => o.Label.Get(locale),
        // 〒220-0012 as residents write it (the store keeps 7 digits); English without the Japanese mark.
        string code when question?.Type == QuestionType.PostalCode && code.Length == 7 && code.All(char.IsAsciiDigit) =>
            (locale == "ja" ? "〒" : "") + code[..3] + "-" + code[3..],
        IReadOnlyList<string> ids => string.Join(locale == "ja" ? "、" : ", ", ids.Select(id => question?.FindOption(id)?.Label.Get(locale) ?? id)),
        bool b => locale == "ja" ? (b ? "はい" : "いいえ") : (b ? "yes" : "no"),
        decimal d => d.ToString("0.##########", CultureInfo.InvariantCulture),
        DateOnly date => locale == "ja" ? $"{date.Month}月{date.Day}日" : date.ToString("d MMMM yyyy", CultureInfo.GetCultureInfo("en-GB")),
        _ => value.ToString() ?? "",
    };
}

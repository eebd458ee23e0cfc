using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatSupport.Expressions;

namespace ChatSupport.Questionnaires;

/// <summary>
/// Answers as JSON (how dialog state and storage keep them) and as expression values:
/// choice → option id, multiple → list of ids, numbers → decimal, yes/no → bool, date → "yyyy-MM-dd".
/// </summary>
public static class AnswerValues
{
    public static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        decimal d => JsonValue.Create(d),
        bool b => JsonValue.Create(b),
        DateOnly date => JsonValue.Create(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        IEnumerable<string> list => new JsonArray([.. list.Select(x => (JsonNode?)JsonValue.Create(x))]),
        _ => throw new ArgumentException($"Unsupported answer value {value.GetType().Name}.", nameof(value)),
    };

    /// <summary>The answer as an expression value; null when the stored form no longer fits the question (the file changed).</summary>
    public static object? FromJson(JsonNode? node, ExprType type)
    {
        try
        {
            return Read(node, type);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static object? Read(JsonNode? node, ExprType type) => node switch
    {
        null => null,
        JsonArray a => (IReadOnlyList<string>)[.. a.Select(n => n!.GetValue<string>())],
        _ => type.Kind switch
        {
            TypeKind.Number => node.AsValue().TryGetValue<decimal>(out var d) ? d : node.Deserialize<decimal>(),
            TypeKind.Bool => node.GetValue<bool>(),
            TypeKind.Date => DateOnly.ParseExact(node.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture),
            TypeKind.Set => (IReadOnlyList<string>)[node.GetValue<string>()],
            _ => node.GetValue<string>(),
        },
    };
}

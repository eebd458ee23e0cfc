using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatSupport.Persistence.Residents;

/// <summary>
/// A response's values (answers and computed values) as JSON and back, keeping their types:
/// text, number, yes/no, list, and dates as <c>{"date":"2026-11-20"}</c>.
/// </summary>
public static class HistoryValues
{
    public static string ToJson(IReadOnlyDictionary<string, object?> values)
    {
        var o = new JsonObject();
        foreach (var (name, value) in values)
            o[name] = value switch
            {
                null => null,
                DateOnly d => new JsonObject { ["date"] = d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
                string s => s,
                decimal n => n,
                bool b => b,
                IEnumerable<string> list => new JsonArray([.. list.Select(x => (JsonNode?)x)]),
                _ => throw new ArgumentException($"Unsupported value type {value.GetType().Name} for '{name}'."),
            };
        return o.ToJsonString();
    }

    public static IReadOnlyDictionary<string, object?> FromJson(string json)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, node) in JsonNode.Parse(json)!.AsObject())
            values[name] = node switch
            {
                null => null,
                JsonObject d when d["date"] is { } date => DateOnly.ParseExact(date.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                JsonArray a => (IReadOnlyList<string>)[.. a.Select(x => x!.GetValue<string>())],
                JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
                JsonValue v => v.Deserialize<decimal>(),
                _ => null,
            };
        return values;
    }
}

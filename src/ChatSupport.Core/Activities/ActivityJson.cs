using System.Text.Json;
using System.Text.Encodings.Web;
using System.Text.Json.Serialization;

namespace ChatSupport.Activities;

/// <summary>JSON settings of the Bot Framework protocol: camelCase names, nulls left out.</summary>
public static class ActivityJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(Activity activity) => JsonSerializer.Serialize(activity, Options);

    public static Activity Deserialize(string json) =>
        JsonSerializer.Deserialize<Activity>(json, Options) ?? throw new JsonException("The activity is null.");

    /// <summary>The text a user sent, or the string in <c>value</c> when a button posted one.</summary>
    public static string? InputText(this Activity activity)
    {
        if (!string.IsNullOrWhiteSpace(activity.Text)) return activity.Text;
        if (activity.Value is { ValueKind: JsonValueKind.String } v) return v.GetString();
        return activity.Text;
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatSupport.Channels.Line;

/// <summary>
/// A webhook request body (<c>{"destination": …, "events": [ … ]}</c>), read leniently: unknown fields and unknown
/// event types are kept and ignored, never an error. A body that is not such an object is a <see cref="FormatException"/>.
/// </summary>
public sealed record LineCallback(string? Destination, IReadOnlyList<LineEvent> Events)
{
    public static LineCallback Parse(ReadOnlySpan<byte> body)
    {
        JsonNode? root;
        try
        {
            // A key twice in one object is refused here (JsonObject would throw when the key is first looked up).
            root = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new FormatException($"The body is not JSON: {e.Message}", e);
        }
        if (root is not JsonObject o || o["events"] is not JsonArray events)
            throw new FormatException("The body must be an object with an 'events' array.");
        var list = new List<LineEvent>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i] is not JsonObject e) throw new FormatException($"events[{i}] is not an object.");
            list.Add(LineEvent.From(e, i));
        }
        return new LineCallback(o["destination"]?.GetValueKind() == JsonValueKind.String ? (string?)o["destination"] : null, list);
    }
}

/// <summary>One webhook event; <see cref="Json"/> is the event as LINE sent it.</summary>
public sealed record LineEvent(JsonObject Json)
{
    public string Type => Text("type") ?? "";
    public string? Mode => Text("mode");
    public string WebhookEventId => Text("webhookEventId") ?? "";
    public DateTimeOffset Timestamp => DateTimeOffset.FromUnixTimeMilliseconds(Json["timestamp"]!.GetValue<long>());
    public bool IsRedelivery => Json["deliveryContext"]?["isRedelivery"]?.GetValueKind() == JsonValueKind.True;
    public string? ReplyToken => Text("replyToken");
    public string? SourceType => Text("source", "type");
    public string? UserId => Text("source", "userId");
    /// <summary>The chat the event happened in: the group, the room or the 1:1 chat with the user.</summary>
    public string? ChatId => Text("source", "groupId") ?? Text("source", "roomId") ?? UserId;
    public string? MessageType => Type == "message" ? Text("message", "type") : null;
    public string? MessageId => Type == "message" ? Text("message", "id") : null;
    public string? MessageText => MessageType == "text" ? Text("message", "text") : null;
    public string? PostbackData => Type == "postback" ? Text("postback", "data") : null;
    public bool IsUnblocked => Type == "follow" && Json["follow"]?["isUnblocked"]?.GetValueKind() == JsonValueKind.True;
    public string? UnsentMessageId => Type == "unsend" ? Text("unsend", "messageId") : null;

    /// <summary>The last millisecond a DateTimeOffset holds (9999-12-31): a later timestamp is not a LINE event's.</summary>
    private const long MaxTimestamp = 253_402_300_799_999;

    internal static LineEvent From(JsonObject json, int index)
    {
        var e = new LineEvent(json);
        if (e.Type.Length == 0) throw new FormatException($"events[{index}] has no type.");
        if (e.WebhookEventId.Length is 0 or > 64) throw new FormatException($"events[{index}] has no valid webhookEventId.");
        if (json["timestamp"]?.GetValueKind() != JsonValueKind.Number || !json["timestamp"]!.AsValue().TryGetValue<long>(out var ms)
            || ms is < 0 or > MaxTimestamp)
            throw new FormatException($"events[{index}] has no valid timestamp.");
        return e;
    }

    private string? Text(params string[] path)
    {
        JsonNode? node = Json;
        foreach (var p in path) node = node is JsonObject o ? o[p] : null;
        return node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;
    }
}

using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ChatSupport.Channels.Line;
using ChatSupport.Tests.Line;

namespace ChatSupport.IntegrationTests.Line;

/// <summary>Plays LINE's platform for one resident: signed webhook requests to the host, replies read from the mock.</summary>
internal sealed class LineResident(HttpClient host, LineApiMock mock, string tenant = LineTenant.Id, string? userId = null)
{
    public string UserId { get; } = userId ?? "U" + Guid.NewGuid().ToString("N");
    private long _clock = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>When the next event happens (each later event one second on).</summary>
    public DateTimeOffset Now
    {
        get => DateTimeOffset.FromUnixTimeMilliseconds(_clock);
        set => _clock = value.ToUnixTimeMilliseconds();
    }
    private int _sequence;

    public JsonObject Event(string type, JsonObject? extra = null, bool redelivery = false, DateTimeOffset? at = null, string? eventId = null)
    {
        var e = new JsonObject
        {
            ["type"] = type,
            ["mode"] = "active",
            ["timestamp"] = at?.ToUnixTimeMilliseconds() ?? (_clock += 1000),
            ["source"] = new JsonObject { ["type"] = "user", ["userId"] = UserId },
            ["webhookEventId"] = eventId ?? "01J" + Guid.NewGuid().ToString("N")[..23].ToUpperInvariant(),
            ["deliveryContext"] = new JsonObject { ["isRedelivery"] = redelivery },
        };
        if (type is "message" or "postback" or "follow") e["replyToken"] = $"reply-{UserId[..8]}-{++_sequence}-{Guid.NewGuid():N}";
        foreach (var (k, v) in extra ?? []) e[k] = v?.DeepClone();
        return e;
    }

    public JsonObject Text(string text) => Event("message", new JsonObject { ["message"] = new JsonObject { ["id"] = (100000 + ++_sequence).ToString(), ["type"] = "text", ["text"] = text, ["quoteToken"] = "q" } });
    public JsonObject Postback(string data) => Event("postback", new JsonObject { ["postback"] = new JsonObject { ["data"] = data } });
    public JsonObject Follow(bool unblocked = false) => Event("follow", new JsonObject { ["follow"] = new JsonObject { ["isUnblocked"] = unblocked } });

    public static byte[] Body(params JsonObject[] events) =>
        Encoding.UTF8.GetBytes(new JsonObject { ["destination"] = "U0000000000000000000000000000dead", ["events"] = new JsonArray([.. events.Select(e => e.DeepClone())]) }.ToJsonString());

    public async Task<HttpResponseMessage> PostAsync(byte[] body, string? signature = null, string? tenantId = null)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/line/{tenantId ?? tenant}") { Content = content };
        request.Headers.Add("x-line-signature", signature ?? LineSignature.Sign(body, LineTenant.Secret));
        return await host.SendAsync(request);
    }

    /// <summary>Sends events and waits until LINE (the mock) accepted the reply (or push) they caused; returns its messages.</summary>
    public async Task<JsonArray> SayAsync(JsonObject e)
    {
        var token = (string?)e["replyToken"];
        var sentAt = DateTimeOffset.UtcNow;
        var response = await PostAsync(Body(e));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var request = await mock.WaitForAsync(r => r.Status == 200 && ((string?)r.Body?["replyToken"] == token || (r.Body?["to"] is System.Text.Json.Nodes.JsonValue to && (string?)to == UserId && r.At >= sentAt)), TimeSpan.FromSeconds(20));
        return request.Body!["messages"]!.AsArray();
    }

    /// <summary>Taps the quick reply (or flex) button labelled <paramref name="label"/> of the last message.</summary>
    public static string DataOf(JsonArray messages, string label)
    {
        foreach (var m in messages)
        {
            foreach (var item in m?["quickReply"]?["items"]?.AsArray() ?? [])
                if ((string?)item!["action"]!["label"] == label) return (string)item["action"]!["data"]!;
            foreach (var part in new[] { "body", "footer" })
                foreach (var b in m?["contents"]?[part]?["contents"]?.AsArray() ?? [])
                    if ((string?)b!["action"]?["label"] == label) return (string)b["action"]!["data"]!;
        }
        throw new Xunit.Sdk.XunitException($"No button '{label}' in: {messages.ToJsonString()}");
    }
}

internal static class LineTenant
{
    public const string Id = "kanagawa";
    public const string Secret = "line-channel-secret-for-tests-0123456789";
    public const string Token = "line-access-token-for-tests-abcdef";

    public static Dictionary<string, string> Settings(LineApiMock mock, IReadOnlyDictionary<string, string>? extra = null)
    {
        var settings = new Dictionary<string, string>
        {
            [$"Tenants:{Id}:Line:ChannelSecret"] = Secret,
            [$"Tenants:{Id}:Line:ChannelAccessToken"] = Token,
            [$"Tenants:{Id}:Line:ApiBaseUrl"] = mock.BaseUrl.ToString(),
            ["Line:FirstRetryDelay"] = "00:00:00.050",
            ["LineInbox:ReorderWindow"] = "00:00:00.050",
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string>()) settings[k] = v;
        return settings;
    }
}


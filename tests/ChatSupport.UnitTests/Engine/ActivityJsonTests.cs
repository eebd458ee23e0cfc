using System.Text.Json;
using System.Text.Json.Nodes;
using ChatSupport.Activities;
using ChatSupport.Bots;

namespace ChatSupport.UnitTests.Engine;

public sealed class ActivityJsonTests
{
    // An activity as the Bot Framework Emulator / Bot Connector sends it, including fields we do not model.
    private const string Incoming = """
        {
          "type": "message",
          "id": "4d6ba1a0-7fd4-11ee-b962-0242ac120002",
          "timestamp": "2026-11-20T01:02:03.456+00:00",
          "localTimestamp": "2026-11-20T10:02:03.456+09:00",
          "serviceUrl": "http://localhost:53312",
          "channelId": "emulator",
          "from": { "id": "r-123", "name": "User", "role": "user" },
          "conversation": { "id": "conv-9|livechat" },
          "recipient": { "id": "bot-1", "name": "Bot", "role": "bot" },
          "textFormat": "plain",
          "locale": "ja-JP",
          "text": "２２０－００１２",
          "entities": [ { "type": "ClientCapabilities", "requiresBotState": true, "supportsListening": true, "supportsTts": true } ],
          "channelData": { "clientActivityID": "17000000000000.123" }
        }
        """;

    [Fact]
    public void Deserialize_ReadsBotFrameworkFieldNames()
    {
        var a = ActivityJson.Deserialize(Incoming);
        Assert.Equal(ActivityTypes.Message, a.Type);
        Assert.Equal("emulator", a.ChannelId);
        Assert.Equal("r-123", a.From!.Id);
        Assert.Equal("user", a.From.Role);
        Assert.Equal("conv-9|livechat", a.Conversation!.Id);
        Assert.Equal("ja-JP", a.Locale);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 1, 2, 3, 456, TimeSpan.Zero), a.Timestamp);
    }

    [Fact]
    public void RoundTrip_ProducesTheSameJson_IncludingFieldsNotModelled()
    {
        var json = ActivityJson.Serialize(ActivityJson.Deserialize(Incoming));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Incoming), JsonNode.Parse(json)), json);
    }

    [Fact]
    public void RoundTrip_KeepsFieldsOfNestedObjects_AndTheInstantOfAZuluTimestamp()
    {
        const string json = """
            {"type":"message","timestamp":"2026-11-20T01:02:03.456Z",
             "from":{"id":"u","role":"user","properties":{"x":1}},
             "conversation":{"id":"c","role":"user","aadObjectId":"a"},
             "suggestedActions":{"actions":[{"type":"imBack","title":"はい","value":"はい","channelData":{"k":"v"},"imageAltText":"yes"}]},
             "attachments":[{"contentType":"image/png","contentUrl":"http://localhost/a.png","extra":true}]}
            """;
        var back = JsonNode.Parse(ActivityJson.Serialize(ActivityJson.Deserialize(json)))!;
        var original = JsonNode.Parse(json)!;
        Assert.Equal(DateTimeOffset.Parse((string)original["timestamp"]!, System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.Parse((string)back["timestamp"]!, System.Globalization.CultureInfo.InvariantCulture));
        original.AsObject().Remove("timestamp");
        back.AsObject().Remove("timestamp");
        Assert.True(JsonNode.DeepEquals(original, back), back.ToJsonString());
    }

    [Fact]
    public void Serialize_WritesCamelCaseAndLeavesOutNulls()
    {
        var reply = ActivityJson.Deserialize(Incoming).CreateReply("こんにちは");
        reply.Timestamp = new DateTimeOffset(2026, 11, 20, 1, 2, 4, TimeSpan.Zero);
        reply.SuggestedActions = new SuggestedActions { Actions = [CardAction.ImBack("はい", "はい")] };
        var node = JsonNode.Parse(ActivityJson.Serialize(reply))!.AsObject();

        Assert.Equal("message", (string?)node["type"]);
        Assert.Equal("4d6ba1a0-7fd4-11ee-b962-0242ac120002", (string?)node["replyToId"]);
        Assert.Equal("bot-1", (string?)node["from"]!["id"]);
        Assert.Equal("r-123", (string?)node["recipient"]!["id"]);
        Assert.Equal("http://localhost:53312", (string?)node["serviceUrl"]);
        Assert.Equal("こんにちは", (string?)node["text"]);
        Assert.Equal("acceptingInput", (string?)node["inputHint"]);
        Assert.Equal("imBack", (string?)node["suggestedActions"]!["actions"]![0]!["type"]);
        Assert.Equal("はい", (string?)node["suggestedActions"]!["actions"]![0]!["value"]);
        Assert.Equal("2026-11-20T01:02:04+00:00", (string?)node["timestamp"]);
        Assert.DoesNotContain(node, p => p.Value is null);
        Assert.False(node.ContainsKey("Text"));
        Assert.False(node.ContainsKey("attachments"));
    }

    [Fact]
    public void HeroCard_IsAnAttachmentWithTheBotFrameworkContentType()
    {
        var attachment = new HeroCard { Text = "選んでください", Buttons = [CardAction.ImBack("A", "a")] }.ToAttachment();
        var node = JsonNode.Parse(JsonSerializer.Serialize(attachment, ActivityJson.Options))!;
        Assert.Equal("application/vnd.microsoft.card.hero", (string?)node["contentType"]);
        Assert.Equal("選んでください", (string?)node["content"]!["text"]);
        Assert.Equal("imBack", (string?)node["content"]!["buttons"]![0]!["type"]);
    }

    [Fact]
    public void InputText_TakesTheButtonValue_WhenTextIsEmpty()
    {
        var a = ActivityJson.Deserialize("""{"type":"message","value":"同意する"}""");
        Assert.Equal("同意する", a.InputText());
    }

    private sealed class Recorder(List<string> log, string name) : IMiddleware
    {
        public async Task OnTurnAsync(ITurnContext turnContext, Func<CancellationToken, Task> next, CancellationToken cancellationToken)
        {
            log.Add(name + ">");
            if (turnContext.Activity.Text != "stop-at-" + name) await next(cancellationToken);
            log.Add("<" + name);
        }
    }

    private sealed class EchoBot(List<string> log) : IBot
    {
        public Task OnTurnAsync(ITurnContext turnContext, CancellationToken cancellationToken = default)
        {
            log.Add("bot");
            return turnContext.SendActivityAsync(Activity.CreateMessageActivity(turnContext.Activity.Text), cancellationToken);
        }
    }

    [Theory]
    [InlineData("hi", "a> b> bot <b <a")]
    [InlineData("stop-at-b", "a> b> <b <a")]
    [InlineData("stop-at-a", "a> <a")]
    public async Task Middleware_RunsInOrderAroundTheBot_AndCanShortCircuit(string text, string expected)
    {
        var log = new List<string>();
        var adapter = new BufferedAdapter();
        adapter.Use(new Recorder(log, "a")).Use(new Recorder(log, "b"));
        var incoming = ActivityJson.Deserialize(Incoming);
        incoming.Text = text;
        var replies = await adapter.ProcessActivityAsync(incoming, new EchoBot(log));
        Assert.Equal(expected, string.Join(' ', log));
        if (log.Contains("bot"))
        {
            var reply = Assert.Single(replies);
            Assert.Equal("conv-9|livechat", reply.Conversation!.Id);
            Assert.Equal("r-123", reply.Recipient!.Id);
            Assert.Equal(incoming.Id, reply.ReplyToId);
        }
    }
}

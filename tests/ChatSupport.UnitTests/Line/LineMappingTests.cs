using System.Text;
using System.Text.Json.Nodes;
using ChatSupport.Activities;
using ChatSupport.Channels.Line;

namespace ChatSupport.UnitTests.Line;

/// <summary>Webhook events to activities: what the bot answers, and as whom.</summary>
public sealed class LineMappingTests
{
    private const string User = "U4af4980629a0b3c1d2e3f4a5b6c7d8e9";

    private static LineEvent Event(string json) => LineCallback.Parse(Encoding.UTF8.GetBytes($$"""{"destination":"Ubot","events":[{{json}}]}""")).Events.Single();

    private static string Common(string type, string extra, string source = $$"""{"type":"user","userId":"{{User}}"}""", string mode = "active") =>
        $$"""{"type":"{{type}}","mode":"{{mode}}","timestamp":1763600000000,"source":{{source}},"webhookEventId":"01JABCDEF0123456789ABCDEFG","deliveryContext":{"isRedelivery":false},"replyToken":"r0"{{extra}}}""";

    [Fact]
    public void AText_IsAMessageFromTheTenantsResident()
    {
        var e = Event(Common("message", ""","message":{"id":"100001","type":"text","text":"３７.５℃","quoteToken":"q"}"""));
        var a = LineActivityMapper.ToActivity(e, "kanagawa", "ja")!;
        Assert.Equal(ActivityTypes.Message, a.Type);
        Assert.Equal("３７.５℃", a.Text);
        Assert.Equal("line", a.ChannelId);
        Assert.Equal("kanagawa:" + User, a.From!.Id);
        Assert.Equal("kanagawa:" + User, a.Conversation!.Id);
        Assert.Equal("100001", a.Id); // the message id: "unsend" finds the answer by it
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1763600000000), a.Timestamp);
        Assert.Equal("ja", a.Locale);
    }

    [Fact]
    public void APostback_IsTheAnswerItCarries()
    {
        var e = Event(Common("postback", ""","postback":{"data":"37.5℃以上"}"""));
        var a = LineActivityMapper.ToActivity(e, "kanagawa", "ja")!;
        Assert.Equal(ActivityTypes.Message, a.Type);
        Assert.Equal("37.5℃以上", a.Text);
        Assert.Equal("01JABCDEF0123456789ABCDEFG", a.Id);
    }

    [Fact]
    public void AFollow_AddsTheResident()
    {
        var e = Event(Common("follow", ""","follow":{"isUnblocked":true}"""));
        Assert.True(e.IsUnblocked);
        var a = LineActivityMapper.ToActivity(e, "kanagawa", "ja")!;
        Assert.Equal(ActivityTypes.ConversationUpdate, a.Type);
        Assert.Equal("kanagawa:" + User, Assert.Single(a.MembersAdded!).Id);
    }

    [Fact]
    public void InAGroup_TheConversationIsTheGroup_AndTheSenderTheUser()
    {
        var e = Event(Common("message", ""","message":{"id":"1","type":"text","text":"はい"}""", $$"""{"type":"group","groupId":"Cabc","userId":"{{User}}"}"""));
        var a = LineActivityMapper.ToActivity(e, "t1", null)!;
        Assert.Equal("t1:Cabc", a.Conversation!.Id);
        Assert.Equal("t1:" + User, a.From!.Id);
        Assert.True(a.Conversation.IsGroup);
    }

    [Theory]
    [InlineData("message", ""","message":{"id":"1","type":"text","text":"はい"}""", "standby")]
    [InlineData("unfollow", "", "active")]
    [InlineData("unsend", ""","unsend":{"messageId":"1"}""", "active")]
    [InlineData("somethingNew", ""","somethingNew":{"x":1}""", "active")]
    public void OtherEvents_AreNotTurns(string type, string extra, string mode) =>
        Assert.Null(LineActivityMapper.ToActivity(Event(Common(type, extra, mode: mode)), "t1", "ja"));

    /// <summary>Stickers, images, sounds, videos, files and locations are answered (issue 13, point 11), and carry only their kind.</summary>
    [Theory]
    [InlineData(""","message":{"id":"1","type":"sticker","packageId":"1","stickerId":"1"}""", "sticker")]
    [InlineData(""","message":{"id":"1","type":"image","contentProvider":{"type":"line"}}""", "image")]
    [InlineData(""","message":{"id":"1","type":"audio","duration":1000,"contentProvider":{"type":"line"}}""", "audio")]
    [InlineData(""","message":{"id":"1","type":"location","title":"自宅","address":"横浜市中区日本大通1","latitude":35.4,"longitude":139.6}""", "location")]
    [InlineData(""","message":{"id":"1","type":"file","fileName":"検査結果.pdf","fileSize":100}""", "file")]
    public void MessagesWithoutText_AreTurns_CarryingOnlyTheirKind(string extra, string kind)
    {
        var a = LineActivityMapper.ToActivity(Event(Common("message", extra)), "t1", "ja")!;
        Assert.Equal(ActivityTypes.Message, a.Type);
        Assert.Null(a.Text);
        Assert.Null(a.Value);
        var attachment = Assert.Single(a.Attachments!);
        Assert.Equal(LineActivityMapper.NonTextContentTypePrefix + kind, attachment.ContentType);
        var json = ActivityJson.Serialize(a);
        Assert.DoesNotContain("横浜", json, StringComparison.Ordinal);
        Assert.DoesNotContain("検査結果", json, StringComparison.Ordinal);
        Assert.DoesNotContain("stickerId", json, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownFields_AreKept_AndDoNotFail()
    {
        var e = Event(Common("message", ""","message":{"id":"1","type":"text","text":"x","newField":{"a":[1]}},"anotherNewField":true"""));
        Assert.Equal("x", e.MessageText);
        Assert.True((bool)e.Json["anotherNewField"]!);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"destination":"U"}""")]
    [InlineData("""{"events":[{"type":"message"}]}""")]                                           // no id, no timestamp
    [InlineData("""{"events":[{"type":"message","webhookEventId":"x","timestamp":"soon"}]}""")]
    public void AMalformedBody_IsAFormatException(string body) =>
        Assert.Throws<FormatException>(() => LineCallback.Parse(Encoding.UTF8.GetBytes(body)));

    public static TheoryData<string> Examples() =>
        [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Line", "WebhookExamples"), "*.json").Select(f => Path.GetFileName(f)).Order()];

    /// <summary>Every event type of webhook.yml (and unknown fields and types) is parsed and either mapped or left alone, never an error.</summary>
    [Theory]
    [MemberData(nameof(Examples))]
    public void EveryExampleOfTheSpec_IsParsed_AndMappedOrIgnored(string file)
    {
        var callback = LineCallback.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Line", "WebhookExamples", file)));
        foreach (var e in callback.Events)
        {
            Assert.NotEmpty(e.WebhookEventId);
            var activity = LineActivityMapper.ToActivity(e, "t1", "ja");
            var expected = e.Mode != "standby" && e.UserId is not null
                && (e.Type is "follow" or "postback" || e.Type == "message");
            Assert.Equal(expected, activity is not null);
        }
        if (file.StartsWith("message-text", StringComparison.Ordinal)) Assert.Contains(callback.Events, e => e.MessageText is { Length: > 0 });
        if (file.StartsWith("redelivery", StringComparison.Ordinal)) Assert.Contains(callback.Events, e => e.IsRedelivery);
        if (file.StartsWith("several-users", StringComparison.Ordinal)) Assert.True(callback.Events.Select(e => e.UserId).Distinct().Count() >= 2);
    }

    [Fact]
    public void TheVerificationRequest_HasNoEvents() =>
        Assert.Empty(LineCallback.Parse("""{"destination":"Uxxx","events":[]}"""u8).Events);
}

using System.Text.Json.Nodes;
using ChatSupport.Activities;
using ChatSupport.Bots;
using ChatSupport.Channels.Line;
using ChatSupport.Questionnaires;
using ChatSupport.State;
using ChatSupport.Tests.Line;

namespace ChatSupport.UnitTests.Line;

/// <summary>Replies as LINE messages, within LINE's limits, and valid against LINE's OpenAPI spec.</summary>
public sealed class LineRendererTests
{
    private static Activity Question(string text, params string[] labels) => new()
    {
        Type = ActivityTypes.Message,
        Text = text,
        SuggestedActions = new SuggestedActions { Actions = [.. labels.Select(l => CardAction.ImBack(l, l))] },
    };

    private static void AssertValid(IReadOnlyList<JsonObject> messages)
    {
        foreach (var request in LineMessageRenderer.Pack(messages))
        {
            var body = new JsonObject { ["replyToken"] = "r", ["messages"] = new JsonArray([.. request]) };
            Assert.Empty(LineSpecs.MessagingApi.Validate("ReplyMessageRequest", body));
            var push = new JsonObject { ["to"] = "U0", ["messages"] = new JsonArray([.. request.Select(m => m.DeepClone())]) };
            Assert.Empty(LineSpecs.MessagingApi.Validate("PushMessageRequest", push));
        }
    }

    [Fact]
    public void AQuestion_IsTextWithAQuickReplyOfPostbacks()
    {
        var messages = LineMessageRenderer.Render([Question("熱はありますか？", "37.5℃以上", "37.5℃未満", "測っていない")]);
        var m = Assert.Single(messages);
        Assert.Equal("熱はありますか？", (string?)m["text"]);
        var items = m["quickReply"]!["items"]!.AsArray();
        Assert.Equal(3, items.Count);
        var action = items[0]!["action"]!;
        Assert.Equal("postback", (string?)action["type"]);
        Assert.Equal("37.5℃以上", (string?)action["label"]);
        Assert.Equal("37.5℃以上", (string?)action["data"]);        // the answer the engine reads
        Assert.Equal("37.5℃以上", (string?)action["displayText"]); // what the chat shows
        AssertValid(messages);
    }

    [Fact]
    public void FourteenChoices_OrALongLabel_BecomeAFlexOfButtons()
    {
        var many = LineMessageRenderer.Render([Question("当てはまるものは？", [.. Enumerable.Range(1, 14).Select(i => $"選択肢{i}")])]);
        Assert.Equal(2, many.Count);
        Assert.Null(many[0]["quickReply"]);
        Assert.Equal("flex", (string?)many[1]["type"]);
        Assert.Equal(14, many[1]["contents"]!["body"]!["contents"]!.AsArray().Count);
        AssertValid(many);

        var longLabel = LineMessageRenderer.Render([Question("職業は？", "医療機関・介護施設・保育施設・学校などの職員", "その他")]);
        Assert.Equal("flex", (string?)longLabel[^1]["type"]);
        AssertValid(longLabel);
    }

    [Fact]
    public void ALongText_IsSplitWithinTheLimit_AtLineBreaks()
    {
        var text = string.Join('\n', Enumerable.Range(0, 1200).Select(i => $"{i:0000}行目のお知らせ"));
        var messages = LineMessageRenderer.Render([Activity.CreateMessageActivity(text)]);
        Assert.True(messages.Count >= 3);
        Assert.All(messages, m => Assert.True(((string)m["text"]!).Length <= LineMessageRenderer.MaxTextLength));
        Assert.Equal(text, string.Join('\n', messages.Select(m => (string)m["text"]!)));
        AssertValid(messages);
    }

    [Fact]
    public void SevenTexts_AreJoinedIntoOneRequest_AndSevenCards_IntoTwo()
    {
        var texts = Enumerable.Range(1, 7).Select(i => new JsonObject { ["type"] = "text", ["text"] = $"お知らせ{i}" }).ToList();
        var one = Assert.Single(LineMessageRenderer.Pack(texts));
        Assert.True(one.Count <= 5);
        Assert.Equal(string.Join("", Enumerable.Range(1, 7).Select(i => $"お知らせ{i}")), string.Concat(one.Select(m => ((string)m["text"]!).Replace("\n\n", ""))));

        var cards = LineMessageRenderer.Render(Enumerable.Range(1, 7).Select(i => Question($"質問{i}", [.. Enumerable.Range(1, 14).Select(j => $"選択肢{j}")])).ToList())
            .Where(m => (string?)m["type"] == "flex").ToList();
        Assert.Equal([5, 2], LineMessageRenderer.Pack(cards).Select(r => r.Count));
    }

    [Fact]
    public void Limits_AreCutWithoutBreakingCharacters()
    {
        Assert.Equal(20, LineMessageRenderer.Truncate(new string('あ', 30), 20).Length);
        var emoji = string.Concat(Enumerable.Repeat("😷", 15)); // 30 code units
        var cut = LineMessageRenderer.Truncate(emoji, 20);
        Assert.True(cut.Length <= 20);
        Assert.False(char.IsHighSurrogate(cut[^2]) && !char.IsLowSurrogate(cut[^1]));
    }

    /// <summary>Every reply of whole self-check conversations (ja and en, buttons and typed answers) is a valid LINE request.</summary>
    [Theory]
    [InlineData("ja-JP", new[] { "開始", "同意する", "1日前から", "無し", "70", "男性", "無職", "下記いずれも該当なし", "220-0012", "石けんで手洗い", "回答終了" })]
    [InlineData("en-US", new[] { "start", "I agree", "Since 1 day ago", "No", "30", "Female", "Other", "None of these", "2200012", "None of these" })]
    public async Task EveryReplyOfTheSelfCheck_IsAValidRequest(string locale, string[] inputs)
    {
        var storage = new MemoryStorage();
        var history = new ChatSupport.Residents.InMemoryResponseHistory();
        var turns = 0;
        List<JsonObject> last = [];
        foreach (var (text, i) in inputs.Select((t, i) => (t, i)))
        {
            var bot = new QuestionnaireBot(Shipped.Catalog, new ConversationState(storage), new UserState(storage), history,
                new QuestionnaireBotOptions { DefaultQuestionnaire = "covid19-selfcheck" });
            var replies = await new BufferedAdapter().ProcessActivityAsync(new Activity
            {
                Type = ActivityTypes.Message, Text = text, ChannelId = "line", Locale = locale, Id = $"m{i}",
                Timestamp = new DateTimeOffset(2026, 11, 20, 10, i, 0, TimeSpan.FromHours(9)),
                From = new ChannelAccount("t:U1"), Recipient = new ChannelAccount("bot"), Conversation = new ConversationAccount("t:U1"),
            }, bot);
            var messages = LineMessageRenderer.Render(replies);
            if (messages.Count == 0) continue;
            turns++;
            AssertValid(messages);
            last = messages;
        }
        Assert.True(turns >= inputs.Length - 1);
        // The advice, then a short flex summary of the answers.
        Assert.Equal("flex", (string?)last[^1]["type"]);
        // Full-width punctuation only in Japanese; the postal code as it is written (issue 13, point 15).
        var ja = locale.StartsWith("ja", StringComparison.Ordinal);
        Assert.StartsWith(ja ? "今回の回答：" : "Your answers: ", (string?)last[^1]["altText"]);
        Assert.Contains(last[^1]["contents"]!["body"]!["contents"]!.AsArray(), t => (string?)t!["text"] == (ja ? "〒220-0012" : "220-0012"));
        Assert.Contains(last[^1]["contents"]!["body"]!["contents"]!.AsArray(), t => (string?)t!["text"] is "70" or "30" or "70歳" or "30歳" || ((string?)t!["text"])?.StartsWith("70") == true || ((string?)t!["text"])?.StartsWith("30") == true);
    }
}

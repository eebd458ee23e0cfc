using ChatSupport.Activities;
using ChatSupport.Bots;
using ChatSupport.Questionnaires;
using ChatSupport.Residents;
using ChatSupport.State;

namespace ChatSupport.UnitTests.Questionnaires;

/// <summary>Editing a questionnaire file never breaks a conversation in progress.</summary>
public sealed class QuestionnaireEditTests : IDisposable
{
    private readonly List<TempDirectory> _folders = [];

    public void Dispose() => _folders.ForEach(f => f.Dispose());

    private const string V1 = """
        id: edited
        version: "1"
        title: t
        consent: {version: "1", text: 同意しますか}
        questions:
          - {id: first, type: yes_no, text: 一つ目}
          - {id: second, type: integer, text: 二つ目}
        """;

    private QuestionnaireCatalog Load(string yaml)
    {
        var folder = new TempDirectory();
        _folders.Add(folder);
        folder.File("edited.yaml", yaml);
        return QuestionnaireCatalog.Load(folder.Path);
    }

    private static async Task<IReadOnlyList<Activity>> Say(MemoryStorage storage, QuestionnaireCatalog catalog, string text)
    {
        var bot = new QuestionnaireBot(catalog, new ConversationState(storage), new UserState(storage), new InMemoryResponseHistory(),
            new QuestionnaireBotOptions { DefaultQuestionnaire = "edited" });
        var activity = new Activity
        {
            Type = ActivityTypes.Message, Text = text, ChannelId = "t", Timestamp = DateTimeOffset.UtcNow,
            From = new ChannelAccount("u"), Recipient = new ChannelAccount("b"), Conversation = new ConversationAccount("c"),
        };
        return await new BufferedAdapter().ProcessActivityAsync(activity, bot);
    }

    /// <summary>Consents and answers the first question on version 1: the second question is open.</summary>
    private async Task<MemoryStorage> AtTheSecondQuestionAsync()
    {
        var storage = new MemoryStorage();
        var v1 = Load(V1);
        await Say(storage, v1, "開始");
        await Say(storage, v1, "同意する");
        Assert.Equal("二つ目", (await Say(storage, v1, "はい")).Single().Text);
        return storage;
    }

    [Fact]
    public async Task NewVersion_RestartsTheQuestionnaire_WithoutAskingConsentAgain()
    {
        var storage = await AtTheSecondQuestionAsync();
        var v2 = Load(V1.Replace("version: \"1\"\n", "version: \"2\"\n", StringComparison.Ordinal).Replace("一つ目", "新しい一つ目", StringComparison.Ordinal));
        var replies = await Say(storage, v2, "42");
        Assert.Equal(["質問の内容が新しくなりました。お手数ですが、はじめからお答えください。", "新しい一つ目"], replies.Select(r => r.Text));
    }

    [Fact]
    public async Task EditWithoutANewVersion_DoesNotFileAnAnswerUnderTheWrongQuestion()
    {
        var storage = await AtTheSecondQuestionAsync();

        var reordered = Load(V1.Replace("""
              - {id: first, type: yes_no, text: 一つ目}
              - {id: second, type: integer, text: 二つ目}
            """, """
              - {id: second, type: integer, text: 二つ目}
              - {id: first, type: yes_no, text: 一つ目}
            """, StringComparison.Ordinal));
        // The open question is found by its id, so it is still the one asked, wherever it moved.
        Assert.Equal("数字で入力してください。\n二つ目", (await Say(storage, reordered, "はい")).Single().Text);
        Assert.Equal("一つ目", (await Say(storage, reordered, "42")).Single().Text);
    }

    [Fact]
    public async Task EditThatRemovesTheOpenQuestion_RestartsPolitely()
    {
        var storage = await AtTheSecondQuestionAsync();

        var edited = V1.Replace("{id: second, type: integer, text: 二つ目}", "{id: third, type: text, text: 三つ目}", StringComparison.Ordinal);
        Assert.NotEqual(V1, edited);
        var removed = Load(edited);
        var replies = await Say(storage, removed, "42");
        Assert.Equal(["質問の内容が新しくなりました。お手数ですが、はじめからお答えください。", "一つ目"], replies.Select(r => r.Text));
    }

    [Theory]
    [InlineData("ヘルプ")]
    [InlineData("配信停止")]
    [InlineData("データ削除")]
    [InlineData("42")]
    public async Task AnyMessage_AfterTheOpenQuestionWasRemoved_RestartsPolitely(string message)
    {
        var storage = await AtTheSecondQuestionAsync();

        var removed = Load(V1.Replace("{id: second, type: integer, text: 二つ目}", "{id: third, type: text, text: 三つ目}", StringComparison.Ordinal));
        var replies = await Say(storage, removed, message);
        Assert.Equal(["質問の内容が新しくなりました。お手数ですが、はじめからお答えください。", "一つ目"], replies.Select(r => r.Text));
    }

    [Fact]
    public async Task DeclinedDeletion_AfterAnEdit_GoesBackToTheRestartedQuestionnaire()
    {
        var storage = new MemoryStorage();
        var v1 = Load(V1);
        await Say(storage, v1, "開始");
        await Say(storage, v1, "同意する");
        await Say(storage, v1, "データ削除");
        var v2 = Load(V1.Replace("version: \"1\"\n", "version: \"2\"\n", StringComparison.Ordinal));
        Assert.Equal("一つ目", (await Say(storage, v2, "いいえ"))[^1].Text);
    }
}

using ChatSupport.Activities;
using ChatSupport.Bots;
using ChatSupport.Persistence.Residents;
using ChatSupport.Persistence.Stores;
using ChatSupport.Questionnaires;
using ChatSupport.Residents;
using ChatSupport.State;
using Microsoft.EntityFrameworkCore;

namespace ChatSupport.IntegrationTests;

/// <summary>The engine on real databases: every turn opens a new connection and builds the bot anew, as a restarted process would.</summary>
public sealed class ConversationOnDatabaseTests
{
    private static readonly Lazy<QuestionnaireCatalog> Catalog = new(() => QuestionnaireCatalog.Load(Path.Combine(RepoRoot(), "dialogs")));

    /// <summary>The self-check's consent version: its shared consent's (dialogs/consent/covid19.yaml) fingerprint.</summary>
    internal static string SelfCheckConsentVersion => Catalog.Value.Get("covid19-selfcheck").Consent!.Version;

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ChatSupport.sln"))) return dir.FullName;
        throw new InvalidOperationException("ChatSupport.sln not found");
    }

    internal static readonly ResidentKeys Keys = ResidentKeys.FromSecret("test-pseudonymisation-key-0123456789abcdef");

    /// <summary>One turn as a host runs it: a new connection, the bot built anew, state and events in one transaction.</summary>
    internal static async Task<IReadOnlyList<Activity>> TurnAsync(TestDatabase database, IResponseHistory? history, string text, DateTimeOffset at, string? questionnaire = null,
        Persistence.StatementCounter? counter = null)
    {
        await using var db = counter is null ? database.Open() : database.Open(counter);
        var activity = new Activity
        {
            Type = ActivityTypes.Message, Text = text, Timestamp = at, ChannelId = "test", Locale = "ja-JP",
            From = new ChannelAccount("resident-1"), Recipient = new ChannelAccount("bot"), Conversation = new ConversationAccount("conversation-1"),
            Value = questionnaire is null ? null : System.Text.Json.JsonSerializer.SerializeToElement(new { questionnaire }),
        };
        return await DatabaseTurn.RunAsync(db, Catalog.Value, Keys, new QuestionnaireBotOptions { DefaultQuestionnaire = "covid19-selfcheck" },
            TimeProvider.System, activity, history);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task SelfCheck_Completes_WithANewProcessForEveryTurn(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var history = new InMemoryResponseHistory();
        var at = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.FromHours(9));
        string[] inputs = ["開始", "同意する", "1日前から", "無し", "70", "男性", "無職", "下記いずれも該当なし", "２２０－００１２", "いずれも行っていない"];
        IReadOnlyList<Activity> replies = [];
        foreach (var (input, i) in inputs.Select((x, i) => (x, i)))
            replies = await TurnAsync(database, history, input, at.AddMinutes(i));
        Assert.StartsWith("発熱や強いだるさ・息苦しさが続いています。横浜市", replies[0].Text);

        await using var db = database.Open();
        var documents = await db.StateDocuments.AsNoTracking().OrderBy(d => d.Key).ToListAsync();
        Assert.Equal(["test/conversations/conversation-1", "test/users/resident-1"], documents.Select(d => d.Key));
        Assert.Contains($"\"consents\":{{\"covid19-selfcheck\":\"{SelfCheckConsentVersion}\"}}", documents[1].Json);
        Assert.True(documents[0].Version > 1);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task AnInterruptedQuestionnaire_ContinuesAtTheSameQuestion(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var at = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.FromHours(9));
        await TurnAsync(database, new InMemoryResponseHistory(), "開始", at);
        await TurnAsync(database, new InMemoryResponseHistory(), "同意する", at.AddMinutes(1));
        await TurnAsync(database, new InMemoryResponseHistory(), "無し", at.AddMinutes(2));
        // A day later, after any number of restarts, a wrong answer gets the same question again.
        var replies = await TurnAsync(database, new InMemoryResponseHistory(), "わからない", at.AddDays(1));
        Assert.Equal("選択肢のボタンを押してください。\n強いだるさ（倦怠感）や息苦しさ（呼吸困難）はありますか？ある場合は、いつからか教えてください。", replies.Single().Text);
    }
}

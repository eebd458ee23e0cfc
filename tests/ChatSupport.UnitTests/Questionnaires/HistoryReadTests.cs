using ChatSupport.Activities;
using ChatSupport.Bots;
using ChatSupport.Questionnaires;
using ChatSupport.Residents;
using ChatSupport.State;

namespace ChatSupport.UnitTests.Questionnaires;

/// <summary>
/// History is read only when it can hold something: a resident whose history was found empty is not asked again
/// until a response of theirs is kept, and then the next turn reads it (and the profile answers come back).
/// </summary>
public sealed class HistoryReadTests
{
    private sealed class CountingHistory : IResponseHistory
    {
        private readonly InMemoryResponseHistory _inner = new();
        public int Reads { get; private set; }

        public Task<IReadOnlyList<HistoryRecord>> ReadAsync(string residentId, CancellationToken cancellationToken = default)
        {
            Reads++;
            return _inner.ReadAsync(residentId, cancellationToken);
        }

        public Task AppendAsync(string residentId, HistoryRecord record, CancellationToken cancellationToken = default) => _inner.AppendAsync(residentId, record, cancellationToken);
        public Task DeleteAsync(string residentId, CancellationToken cancellationToken = default) => _inner.DeleteAsync(residentId, cancellationToken);
    }

    private static async Task<IReadOnlyList<Activity>> Say(MemoryStorage storage, IResponseHistory history, string text, string conversation, int minute)
    {
        var bot = new QuestionnaireBot(Shipped.Catalog, new ConversationState(storage), new UserState(storage), history,
            new QuestionnaireBotOptions { DefaultQuestionnaire = "covid19-selfcheck" });
        var activity = new Activity
        {
            Type = ActivityTypes.Message, Text = text, ChannelId = "t", Locale = "ja-JP",
            Timestamp = new DateTimeOffset(2026, 11, 20, 10, minute, 0, TimeSpan.FromHours(9)),
            From = new ChannelAccount("resident"), Recipient = new ChannelAccount("b"), Conversation = new ConversationAccount(conversation),
        };
        return await new BufferedAdapter().ProcessActivityAsync(activity, bot);
    }

    [Fact]
    public async Task AnEmptyHistory_IsReadOnce_AndAKeptResponse_IsReadAgain()
    {
        var storage = new MemoryStorage();
        var history = new CountingHistory();
        string[] answers = ["開始", "同意する", "1日前から", "無し", "70", "男性", "無職", "下記いずれも該当なし", "220-0012", "いずれも行っていない"];
        for (var i = 0; i < answers.Length; i++) await Say(storage, history, answers[i], "first", i);
        Assert.Equal(1, history.Reads);

        // A second self-check: the history now holds the first, so it is read, and the age is offered again.
        var replies = new List<Activity>();
        foreach (var (text, i) in new[] { "開始", "今日から", "無し" }.Select((t, i) => (t, i)))
            replies.AddRange(await Say(storage, history, text, "second", 30 + i));
        Assert.True(history.Reads >= 2, $"{history.Reads} reads");
        Assert.Contains(replies.Last().SuggestedActions?.Actions ?? [], a => a.Title == "前回と同じ");
    }
}

using ChatSupport.Activities;
using ChatSupport.Bots;

namespace ChatSupport.UnitTests.Engine;

/// <summary>
/// Bot Framework's conversation-script test: <c>new TestFlow(bot).Send("hi").AssertReply("…")</c>.
/// (That state survives between turns is shown by bots that are built anew every turn over a storage of JSON text.)
/// </summary>
internal sealed class TestFlow(IBot bot)
{
    private readonly BufferedAdapter _adapter = new();
    private readonly Queue<Activity> _replies = new();
    private readonly List<Func<Task>> _steps = [];
    private int _sequence;

    public DateTimeOffset Now { get; set; } = new(2026, 11, 20, 10, 0, 0, TimeSpan.FromHours(9));

    public TestFlow Send(string text) => Enqueue(new Activity { Type = ActivityTypes.Message, Text = text });

    public TestFlow Send(Activity activity) => Enqueue(activity);

    public TestFlow AssertReply(string expected) => AssertReply(a => Assert.Equal(expected, a.Text));

    public TestFlow AssertReplyContains(string part) => AssertReply(a => Assert.Contains(part, a.Text ?? ""));

    public TestFlow AssertReply(Action<Activity> check)
    {
        _steps.Add(() =>
        {
            Assert.True(_replies.Count > 0, "Expected a reply, but the bot sent nothing more.");
            check(_replies.Dequeue());
            return Task.CompletedTask;
        });
        return this;
    }

    public TestFlow AssertNoReply()
    {
        _steps.Add(() =>
        {
            Assert.True(_replies.Count == 0, $"Expected no more replies, got: {string.Join(" | ", _replies.Select(r => r.Text))}");
            return Task.CompletedTask;
        });
        return this;
    }

    public async Task StartTestAsync()
    {
        foreach (var step in _steps) await step();
        Assert.True(_replies.Count == 0, $"Replies left unchecked: {string.Join(" | ", _replies.Select(r => r.Text))}");
    }

    private TestFlow Enqueue(Activity activity)
    {
        _steps.Add(async () =>
        {
            Assert.True(_replies.Count == 0, $"Replies left unchecked before the next message: {string.Join(" | ", _replies.Select(r => r.Text))}");
            Now = Now.AddSeconds(1);
            activity.Id ??= $"a{++_sequence}";
            activity.Timestamp ??= Now;
            activity.ChannelId ??= "test";
            activity.From ??= new ChannelAccount("user1");
            activity.Recipient ??= new ChannelAccount("bot");
            activity.Conversation ??= new ConversationAccount("conv1");
            foreach (var reply in await _adapter.ProcessActivityAsync(activity, bot)) _replies.Enqueue(reply);
        });
        return this;
    }
}

using System.Text.Json;
using ChatSupport.Activities;
using ChatSupport.Bots;
using ChatSupport.Questionnaires;
using ChatSupport.Residents;
using ChatSupport.State;

namespace ChatSupport.Cli.Simulation;

/// <summary>
/// One resident talking to the engine in this process, with in-memory storage and history: what
/// <c>chat</c> and <c>simulate</c> (and the transcript tests) drive. Every turn goes through real JSON state.
/// </summary>
public sealed class LocalConversation
{
    private readonly BufferedAdapter _adapter = new();
    private readonly QuestionnaireBot _bot;
    private readonly RecordingSink _events = new();
    private int _sequence;

    public LocalConversation(QuestionnaireCatalog catalog, string questionnaire, string? locale, string residentId = "resident-1")
    {
        Storage = new MemoryStorage();
        History = new InMemoryResponseHistory();
        _bot = new QuestionnaireBot(catalog, new ConversationState(Storage), new UserState(Storage), History,
            new QuestionnaireBotOptions { DefaultQuestionnaire = questionnaire }, _events);
        Locale = locale;
        ResidentId = residentId;
        Now = DateTimeOffset.UtcNow;
    }

    public MemoryStorage Storage { get; }
    public InMemoryResponseHistory History { get; }
    public string? Locale { get; set; }
    public string ResidentId { get; }
    /// <summary>The time the next activity is stamped with (the engine's "today" comes from it).</summary>
    public DateTimeOffset Now { get; set; }
    public IReadOnlyList<ResponseEvent> Events => _events.All;

    /// <summary>A new member joined: the bot greets and starts the default questionnaire.</summary>
    public Task<IReadOnlyList<Activity>> JoinAsync(CancellationToken ct = default)
    {
        var activity = NewActivity(ActivityTypes.ConversationUpdate);
        activity.MembersAdded = [new ChannelAccount(ResidentId)];
        return SendAsync(activity, ct);
    }

    public Task<IReadOnlyList<Activity>> SayAsync(string text, CancellationToken ct = default)
    {
        var activity = NewActivity(ActivityTypes.Message);
        activity.Text = text;
        return SendAsync(activity, ct);
    }

    /// <summary>Presses a button that starts a questionnaire (as a follow-up message's "回答する" button does).</summary>
    public Task<IReadOnlyList<Activity>> StartAsync(string questionnaire, CancellationToken ct = default)
    {
        var activity = NewActivity(ActivityTypes.Message);
        activity.Value = JsonSerializer.SerializeToElement(new { questionnaire });
        return SendAsync(activity, ct);
    }

    private async Task<IReadOnlyList<Activity>> SendAsync(Activity activity, CancellationToken ct)
    {
        // Round-trip through the wire format, as a channel would deliver it.
        var wire = ActivityJson.Deserialize(ActivityJson.Serialize(activity));
        return await _adapter.ProcessActivityAsync(wire, _bot, ct).ConfigureAwait(false);
    }

    private Activity NewActivity(string type)
    {
        Now = Now.AddSeconds(1);
        return new Activity
        {
            Type = type,
            Id = $"activity-{++_sequence}",
            Timestamp = Now,
            ChannelId = "local",
            ServiceUrl = "http://localhost",
            From = new ChannelAccount(ResidentId, "resident") { Role = "user" },
            Recipient = new ChannelAccount("chatsupport", "ChatSupport") { Role = "bot" },
            Conversation = new ConversationAccount("conversation-" + ResidentId),
            Locale = Locale,
        };
    }

    private sealed class RecordingSink : IResponseEventSink
    {
        public List<ResponseEvent> All { get; } = [];

        public Task WriteAsync(IReadOnlyList<ResponseEvent> events, CancellationToken cancellationToken = default)
        {
            All.AddRange(events);
            return Task.CompletedTask;
        }
    }
}

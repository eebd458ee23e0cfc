using BenchmarkDotNet.Attributes;
using ChatSupport.Activities;
using ChatSupport.Bots;
using ChatSupport.Questionnaires;
using ChatSupport.Residents;
using ChatSupport.State;

namespace ChatSupport.Benchmarks;

/// <summary>
/// One resident turn of covid19-selfcheck: parse the incoming activity JSON, load the conversation and user state
/// from their stored JSON, recognise the answer, record it, render the next question, serialise and save the state.
/// Each iteration starts from the same stored state (put back first, a dictionary write).
/// </summary>
[MemoryDiagnoser]
public class TurnBenchmarks
{
    private const string ConversationKey = "bench/conversations/c1";
    private const string UserKey = "bench/users/u1";
    private readonly BufferedAdapter _adapter = new();
    private MemoryStorage _storage = null!;
    private QuestionnaireBot _bot = null!;
    private Dictionary<string, StoreItem> _atFever = null!;
    private Dictionary<string, StoreItem> _atAge = null!;
    private Dictionary<string, StoreItem> _atConditions = null!;

    [GlobalSetup]
    public void Setup()
    {
        var catalog = QuestionnaireCatalog.Load(Path.Combine(RepoRoot(), "dialogs"));
        _storage = new MemoryStorage();
        _bot = new QuestionnaireBot(catalog, new ConversationState(_storage), new UserState(_storage), new InMemoryResponseHistory(),
            new QuestionnaireBotOptions { DefaultQuestionnaire = "covid19-selfcheck" });
        Send(Json(ActivityTypes.ConversationUpdate, null));
        Send(Message("同意する"));
        _atFever = Snapshot();
        Send(Message("1日前から"));
        Send(Message("無し"));
        _atAge = Snapshot();
        Send(Message("70"));
        Send(Message("男性"));
        Send(Message("無職"));
        _atConditions = Snapshot();
    }

    [Benchmark(Description = "choice answer (fever)")]
    public int AnswerChoice() => Turn(_atFever, "1日前から");

    [Benchmark(Description = "number answer (age)")]
    public int AnswerNumber() => Turn(_atAge, "７０歳");

    [Benchmark(Description = "multiple-choice tap (conditions)")]
    public int AnswerMultipleChoiceTap() => Turn(_atConditions, "糖尿病");

    private int Turn(Dictionary<string, StoreItem> snapshot, string text)
    {
        _storage.WriteAsync(snapshot).GetAwaiter().GetResult();
        var replies = Send(Message(text));
        if (replies.Count == 0) throw new InvalidOperationException("The bot did not answer.");
        return replies.Count;
    }

    private IReadOnlyList<Activity> Send(string json) =>
        _adapter.ProcessActivityAsync(ActivityJson.Deserialize(json), _bot).GetAwaiter().GetResult();

    private Dictionary<string, StoreItem> Snapshot()
    {
        var items = _storage.ReadAsync([ConversationKey, UserKey]).GetAwaiter().GetResult();
        return items.ToDictionary(i => i.Key, i => new StoreItem(i.Value.Json, "*"));
    }

    private static string Message(string text) => Json(ActivityTypes.Message, text);

    private static string Json(string type, string? text) => ActivityJson.Serialize(new Activity
    {
        Type = type,
        Id = "a1",
        Timestamp = new DateTimeOffset(2026, 11, 20, 1, 0, 0, TimeSpan.Zero),
        ChannelId = "bench",
        ServiceUrl = "http://localhost",
        From = new ChannelAccount("u1"),
        Recipient = new ChannelAccount("bot"),
        Conversation = new ConversationAccount("c1"),
        Locale = "ja-JP",
        Text = text,
        MembersAdded = type == ActivityTypes.ConversationUpdate ? [new ChannelAccount("u1")] : null,
    });

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ChatSupport.sln"))) return dir.FullName;
        throw new InvalidOperationException("Run the benchmarks from inside the repository.");
    }
}

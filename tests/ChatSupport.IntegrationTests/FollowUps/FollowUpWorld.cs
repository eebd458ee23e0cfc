using ChatSupport.IntegrationTests.Line;
using ChatSupport.Persistence;
using ChatSupport.Persistence.Residents;
using ChatSupport.Tests.Line;
using ChatSupport.Web.FollowUps;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ChatSupport.IntegrationTests.FollowUps;

/// <summary>Real time moved by an offset: the jobs' "now" can be any day while timers and delays keep running.</summary>
public sealed class ShiftedClock : TimeProvider
{
    public TimeSpan Offset { get; set; }
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;

    /// <summary>Moves the clock to a local time in Japan.</summary>
    public void SetJst(DateOnly day, int hour, int minute = 0) =>
        Offset = new DateTimeOffset(day.ToDateTime(new TimeOnly(hour, minute)), TimeSpan.FromHours(9)) - base.GetUtcNow();
}

/// <summary>A PostgreSQL database, the LINE mock and a host on a shifted clock: the follow-up tests' world.</summary>
internal sealed class FollowUpWorld : IAsyncDisposable
{
    public static readonly ResidentKeys Keys = ResidentKeys.FromSecret("web-test-pseudonymisation-key-0123456789");

    public required TestDatabase Database { get; init; }
    public required LineApiMock Mock { get; init; }
    public required WebHost Host { get; init; }
    public required ShiftedClock Clock { get; init; }

    public static async Task<FollowUpWorld> StartAsync(IReadOnlyDictionary<string, string>? extra = null, Action<IServiceCollection>? services = null, TestDatabase? database = null)
    {
        database ??= await TestDatabase.CreateAsync("postgres");
        var mock = await LineApiMock.StartAsync(LineTenant.Token);
        var clock = new ShiftedClock();
        var settings = LineTenant.Settings(mock, new Dictionary<string, string>
        {
            [$"Tenants:{LineTenant.Id}:FollowUps:SendingWindow"] = "00:00:00",
            ["Line:MaxRetries"] = "2",
            // The tenant offers the city's questionnaire too (its residents are planned at its own time).
            [$"Tenants:{LineTenant.Id}:Questionnaires:0"] = "covid19-selfcheck",
            [$"Tenants:{LineTenant.Id}:Questionnaires:1"] = "covid19-followup",
            [$"Tenants:{LineTenant.Id}:Questionnaires:2"] = "elderly-watch",
        });
        foreach (var (k, v) in extra ?? new Dictionary<string, string>()) settings[k] = v;
        var host = new WebHost(database, settings: settings, services: s =>
        {
            s.RemoveAll<TimeProvider>();
            s.AddSingleton<TimeProvider>(clock);
            services?.Invoke(s);
        });
        _ = host.Server; // started
        return new FollowUpWorld { Database = database, Mock = mock, Host = host, Clock = clock };
    }

    public T Job<T>() where T : notnull => Host.Services.GetRequiredService<T>();

    public Task<PlanResult> PlanAsync(int hour = 10, CancellationToken ct = default) => Job<PlanFollowUpsJob>().RunAsync(LineTenant.Id, hour * 60, ct);

    /// <summary>Runs every planned batch's dispatch job once, in id order, as a Hangfire worker would; returns their outcomes.</summary>
    public async Task<List<string>> DispatchAllAsync()
    {
        await using var db = Database.Open();
        var ids = await db.FollowUpBatches.Where(b => b.Status == "planned").OrderBy(b => b.Id).Select(b => b.Id).ToListAsync();
        var outcomes = new List<string>();
        foreach (var id in ids) outcomes.Add(await Job<DispatchFollowUpsJob>().RunAsync(id, CancellationToken.None));
        return outcomes;
    }

    /// <summary>A resident as the engine would have left them after a response: due on <paramref name="due"/> under a rule.</summary>
    public static ResidentRow Resident(string lineUser, DateOnly? due, string rule = "symptomatic-daily", int everyDays = 1, string source = "covid19-selfcheck") => new()
    {
        Id = Keys.Pseudonym($"line:{LineTenant.Id}:{lineUser}"), ChannelId = "line", ChannelUserId = $"{LineTenant.Id}:{lineUser}", TenantId = LineTenant.Id,
        Locale = "ja", NextFollowUp = due, FollowUpQuestionnaire = "covid19-followup", FollowUpSource = source, FollowUpRule = rule,
        FollowUpEveryDays = everyDays, CreatedAt = DateTimeOffset.UtcNow,
    };

    public static string LineUser(int n) => "U" + n.ToString("x32");

    public async Task SeedAsync(IEnumerable<ResidentRow> residents)
    {
        await using var db = Database.Open();
        db.Residents.AddRange(residents);
        await db.SaveChangesAsync();
    }

    /// <summary>Deliveries that went: recorded, not skipped, in a batch that was sent.</summary>
    public static Task<int> SentDeliveriesAsync(ChatSupportDbContext db) =>
        db.FollowUpDeliveries.CountAsync(d => d.Status == "planned" && db.FollowUpBatches.Any(b => b.Id == d.BatchId && b.Status == "sent"));

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Mock.DisposeAsync();
        await Database.DisposeAsync();
    }
}

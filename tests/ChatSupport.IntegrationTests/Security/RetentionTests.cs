using ChatSupport.Persistence;
using ChatSupport.Web.Jobs;
using Hangfire;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChatSupport.IntegrationTests.Security;

/// <summary>
/// Issue 13.3: rows nobody comes back for are removed by the daily retention job: idle conversation state and the user
/// state of callers who never consented,
/// abandoned responses, failed LINE rows. Completed responses and their answers stay. On a clock the test moves.
/// </summary>
public sealed class RetentionTests
{
    private static readonly DateTimeOffset Start = new(2026, 10, 1, 1, 0, 0, TimeSpan.Zero);
    private static readonly string[] SelfCheck = ["開始", "同意する", "今日から", "無し", "40", "男性", "無職", "下記いずれも該当なし", "２２０－００１２", "石けんで手洗い", "回答終了"];

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task OldRowsGo_RecentStay_CompletedResponsesAndTheirAnswersStay(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clock = new TestClock(Start);
        await using var host = new WebHost(database, services: s => s.AddSingleton<TimeProvider>(clock));
        var client = host.CreateClient();

        await WebHost.SayAsync(client, "開始", "old-idle");
        foreach (var say in SelfCheck[..3]) await WebHost.SayAsync(client, say, "old-abandoned");
        foreach (var say in SelfCheck) await WebHost.SayAsync(client, say, "old-complete");
        await AddFailedLineRowsAsync(database, "old", Start);

        clock.Advance(TimeSpan.FromDays(31));
        foreach (var say in SelfCheck[..3]) await WebHost.SayAsync(client, say, "recent");
        await AddFailedLineRowsAsync(database, "recent", clock.GetUtcNow());

        int completedAnswers;
        await using (var before = database.Open())
        {
            Assert.Equal(2, await before.Responses.CountAsync(r => r.CompletedAt == null));
            completedAnswers = await before.Answers.CountAsync(a => before.Responses.Any(r => r.Id == a.ResponseId && r.CompletedAt != null));
            Assert.True(completedAnswers >= 8, $"{completedAnswers} answers of the completed response");
            Assert.Contains(await before.StateDocuments.Select(d => d.Key).ToListAsync(), k => k.Contains("old-idle", StringComparison.Ordinal));
        }

        var removed = await host.Services.GetRequiredService<RetentionJob>().RunAsync(CancellationToken.None);

        await using var db = database.Open();
        var keys = await db.StateDocuments.Select(d => d.Key).Order().ToListAsync();
        // Idle conversations go, and the user state of the caller who never consented; residents keep their profile
        // (consents, language), which is written only when it changes.
        Assert.Equal(["webchat/conversations/recent", "webchat/users/user-old-abandoned", "webchat/users/user-old-complete", "webchat/users/user-recent"], keys);
        var responses = await db.Responses.AsNoTracking().ToListAsync();
        Assert.Equal(2, responses.Count);
        var completed = Assert.Single(responses, r => r.CompletedAt != null);
        var recent = Assert.Single(responses, r => r.CompletedAt == null);
        Assert.Equal("recent", recent.ConversationId);
        Assert.Equal("old-complete", completed.ConversationId);
        Assert.Equal(completedAnswers, await db.Answers.CountAsync(a => a.ResponseId == completed.Id));
        Assert.True(await db.Answers.AnyAsync(a => a.ResponseId == recent.Id));
        Assert.Equal(await db.Answers.CountAsync(), await db.Answers.CountAsync(a => a.ResponseId == completed.Id || a.ResponseId == recent.Id));
        Assert.Equal(["recent"], await db.LineInbox.Select(r => r.TenantId).ToListAsync());
        Assert.Equal(["recent"], await db.LineOutbox.Select(r => r.TenantId).ToListAsync());
        Assert.Equal((1, 1, 1), (removed.Responses, removed.LineInbox, removed.LineOutbox));
        Assert.Equal(4, removed.StateDocuments); // three conversations and one caller who never consented

        // A second run the same day finds nothing more.
        var again = await host.Services.GetRequiredService<RetentionJob>().RunAsync(CancellationToken.None);
        Assert.Equal(new Persistence.Stores.RetentionResult(0, 0, 0, 0, 0), again);
    }

    /// <summary>
    /// The review's case: an anonymous caller chooses its channel and user ids, so two user-state keys can name one
    /// pseudonym ("x/users/a/users/b" and "x/users/a:b" both read as "x:a:b"). The job must not fail on them (it failed
    /// every day after, leaving everything else in place).
    /// </summary>
    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task UserStateKeysThatNameOnePseudonym_DoNotStopTheJob(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clock = new TestClock(Start + TimeSpan.FromDays(40));
        await using var host = new WebHost(database, services: s => s.AddSingleton<TimeProvider>(clock));
        _ = host.CreateClient();
        await using (var db = database.Open())
        {
            db.StateDocuments.AddRange(
                new StateDocumentRow { Key = "x/users/a/users/b", Json = "{}", Version = 1, UpdatedAt = Start },
                new StateDocumentRow { Key = "x/users/a:b", Json = "{}", Version = 1, UpdatedAt = Start });
            await db.SaveChangesAsync();
        }

        var removed = await host.Services.GetRequiredService<RetentionJob>().RunAsync(CancellationToken.None);

        Assert.Equal(2, removed.StateDocuments);
        await using var after = database.Open();
        Assert.Empty(await after.StateDocuments.Where(d => d.Key.StartsWith("x/")).ToListAsync());
    }

    [Fact]
    public async Task TheRetentionJob_IsADailyRecurringJobOfTheDeployment()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var host = new WebHost(database, settings: new Dictionary<string, string> { ["ChatSupport:Role"] = "all" });
        _ = host.CreateClient();
        using var connection = host.Services.GetRequiredService<JobStorage>().GetConnection();
        var job = Assert.Single(connection.GetRecurringJobs(), j => j.Id == RetentionJob.RecurringId);
        Assert.Equal(Cron.Daily(3, 15), job.Cron);
        Assert.Equal(typeof(RetentionJob), job.Job.Type);
    }

    private static async Task AddFailedLineRowsAsync(TestDatabase database, string tenant, DateTimeOffset at)
    {
        await using var db = database.Open();
        db.LineInbox.Add(new LineInboxRow
        {
            TenantId = tenant, WebhookEventId = tenant + Guid.NewGuid().ToString("N")[..20], ConversationKey = "", EventType = "message",
            Timestamp = at, ReceivedAt = at, Status = "failed", Attempts = 5, ProcessedAt = at,
        });
        db.LineOutbox.Add(new LineOutboxRow { TenantId = tenant, Recipient = "U" + new string('0', 32), RetryKey = Guid.NewGuid().ToString(), Messages = "[]", Status = "failed", CreatedAt = at });
        await db.SaveChangesAsync();
    }
}

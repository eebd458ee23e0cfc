using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ChatSupport.IntegrationTests.Line;
using ChatSupport.Web.Alerts;
using ChatSupport.Web.FollowUps;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChatSupport.IntegrationTests.FollowUps;

/// <summary>Follow-ups on PostgreSQL with a shifted clock: who is invited on which day, by the engine's own decisions.</summary>
public sealed class FollowUpPlanningTests
{
    private static readonly DateOnly Day0 = new(2026, 11, 2);

    private static async Task AnswerAsync(LineResident resident, params string[] words)
    {
        foreach (var word in words) await resident.SayAsync(resident.Text(word));
    }

    [Fact]
    public async Task Residents_AreInvitedOnTheirPolicysDays_InJapanTime_AndAnEscalationReachesStaffInTheTurn()
    {
        const string okinawaKey = "okinawa-staff-key-for-tests-9e8d7c";
        await using var world = await FollowUpWorld.StartAsync(new Dictionary<string, string>
        {
            ["Access:Keys:2:Name"] = "okinawa-desk", ["Access:Keys:2:Role"] = "staff", ["Access:Keys:2:Tenant"] = "okinawa",
            ["Access:Keys:2:Sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(okinawaKey))),
        });
        var client = world.Host.CreateClient();
        // A: 70, fever since today, finishes the self-check at 23:59 JST: symptomatic, so invited daily from the next (JST) day.
        var a = new LineResident(client, world.Mock);
        world.Clock.SetJst(Day0, 23, 59);
        a.Now = world.Clock.GetUtcNow();
        await a.SayAsync(a.Follow());
        await AnswerAsync(a, "同意する", "今日から", "無し", "70", "男性", "無職", "下記いずれも該当なし", "220-0012", "いずれも行っていない");
        // B: no symptoms, at 10:00: weekly.
        var b = new LineResident(client, world.Mock);
        world.Clock.SetJst(Day0, 10, 0);
        b.Now = world.Clock.GetUtcNow();
        await b.SayAsync(b.Follow());
        await AnswerAsync(b, "同意する", "無し", "無し", "40", "女性", "無職", "下記いずれも該当なし", "220-0012", "いずれも行っていない");
        await using (var db = world.Database.Open())
        {
            var residents = await db.Residents.AsNoTracking().ToDictionaryAsync(r => r.ChannelUserId!);
            Assert.Equal(Day0.AddDays(1), residents[$"{LineTenant.Id}:{a.UserId}"].NextFollowUp); // 23:59 JST is still day 0 there
            Assert.Equal(("symptomatic-daily", 1), (residents[$"{LineTenant.Id}:{a.UserId}"].FollowUpRule, residents[$"{LineTenant.Id}:{a.UserId}"].FollowUpEveryDays));
            Assert.Equal(Day0.AddDays(7), residents[$"{LineTenant.Id}:{b.UserId}"].NextFollowUp);
        }

        // Day 1, 10:00 JST: only A.
        world.Clock.SetJst(Day0.AddDays(1), 10, 0);
        var plan = await world.PlanAsync();
        Assert.Equal((1, 1), (plan.Residents, plan.Batches));
        Assert.Equal(["sent"], await world.DispatchAllAsync());
        var invitation = await world.Mock.WaitForAsync(r => r.Path == "/v2/bot/message/multicast", TimeSpan.FromSeconds(10));
        Assert.Equal([a.UserId], invitation.Body!["to"]!.AsArray().Select(t => (string)t!));
        Assert.Contains("症状があるとお答えいただいた方", invitation.Body.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        Assert.Empty(world.Mock.SpecViolations);

        // A taps 回答する and answers: fever on the second day at 70 → consult advice and an escalation, in the same turn.
        a.Now = world.Clock.GetUtcNow();
        var first = await a.SayAsync(a.Postback(LineResident.DataOf(invitation.Body["messages"]!.AsArray(), "回答する")));
        Assert.Contains(first, m => ((string?)m!["text"])?.Contains("発熱") == true);
        await AnswerAsync(a, "はい", "いいえ", "スキップ");
        var advice = await a.SayAsync(a.Text("変わらない"));
        Assert.Contains(advice, m => ((string?)m!["text"])?.Contains("相談センター") == true);
        var staff = world.Host.CreateClient();
        staff.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", WebHost.StaffKey);
        var alerts = await staff.GetFromJsonAsync<List<StaffAlert>>("/api/staff/alerts");
        var alert = Assert.Single(alerts!);
        Assert.Equal(("escalation", "newly-consult", "covid19-followup"), (alert.Kind, alert.Rule, alert.Questionnaire));
        Assert.Equal(FollowUpWorld.Keys.Pseudonym($"line:{LineTenant.Id}:{a.UserId}"), alert.Resident);
        // Staff of another tenant see nothing of it and cannot acknowledge it, nor open the dashboard of every tenant's jobs.
        var okinawa = world.Host.CreateClient();
        okinawa.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", okinawaKey);
        Assert.Empty((await okinawa.GetFromJsonAsync<List<StaffAlert>>($"/api/staff/alerts?tenant={LineTenant.Id}"))!);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await okinawa.PostAsync($"/api/staff/alerts/{alert.Id}/acknowledge", null)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await okinawa.GetAsync("/hangfire")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await staff.PostAsync($"/api/staff/alerts/{alert.Id}/acknowledge", null)).StatusCode);
        Assert.Empty((await staff.GetFromJsonAsync<List<StaffAlert>>("/api/staff/alerts"))!);
        Assert.Equal("desk", Assert.Single((await staff.GetFromJsonAsync<List<StaffAlert>>("/api/staff/alerts?status=acknowledged"))!).AcknowledgedBy);
        // Without a staff key, nothing.
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await world.Host.CreateClient().GetAsync("/api/staff/alerts")).StatusCode);

        // Days 2-6: A every day (still symptomatic); day 7: A and B. B blocks the account on day 13: not invited on day 14.
        for (var d = 2; d <= 7; d++)
        {
            world.Clock.SetJst(Day0.AddDays(d), 10, 0);
            var day = await world.PlanAsync();
            Assert.Equal(d == 7 ? 2 : 1, day.Residents);
            await world.DispatchAllAsync();
        }
        world.Clock.SetJst(Day0.AddDays(13), 12, 0);
        b.Now = world.Clock.GetUtcNow();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await b.PostAsync(LineResident.Body(b.Event("unfollow")))).StatusCode);
        await using (var db = world.Database.Open())
            await LineWebhookTests.WaitUntilAsync(async () => await db.Residents.AnyAsync(r => r.Blocked));
        world.Clock.SetJst(Day0.AddDays(14), 10, 0);
        await world.PlanAsync();
        await using (var db = world.Database.Open())
            Assert.DoesNotContain(await db.FollowUpDeliveries.Where(d => d.LocalDate == Day0.AddDays(14)).Select(d => d.ResidentId).ToListAsync(),
                id => id == FollowUpWorld.Keys.Pseudonym($"line:{LineTenant.Id}:{b.UserId}"));
        var deliveries = world.Mock.Deliveries();
        Assert.Equal(7, deliveries[a.UserId]); // days 1-7, once each (day 14 is planned here, not dispatched)
        Assert.Equal(1, deliveries[b.UserId]);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")] // the embedded default plans the same way
    public async Task ThePlanner_PagesThroughTheDue_SkipsThoseWhoCannotBeAsked_AndARerunPlansOnlyTheRest(string provider)
    {
        using var cancelAfterFirstBatch = new CancellationTokenSource();
        await using var world = await FollowUpWorld.StartAsync(database: await TestDatabase.CreateAsync(provider));
        var today = Day0.AddDays(3);
        world.Clock.SetJst(today, 10, 0);
        var due = Enumerable.Range(0, 6534).Select(n => FollowUpWorld.Resident(FollowUpWorld.LineUser(n), today.AddDays(-(n % 3)))).ToList();
        var weekly = Enumerable.Range(22000, 50).Select(n => FollowUpWorld.Resident(FollowUpWorld.LineUser(n), today.AddDays(4), "others-weekly", 7));
        var stopped = Enumerable.Range(23000, 20).Select(n => FollowUpWorld.Resident(FollowUpWorld.LineUser(n), today)).Select(r => { r.FollowUpsStopped = true; return r; });
        var blocked = Enumerable.Range(24000, 20).Select(n => FollowUpWorld.Resident(FollowUpWorld.LineUser(n), today)).Select(r => { r.Blocked = true; return r; });
        var ended = Enumerable.Range(25000, 20).Select(n => FollowUpWorld.Resident(FollowUpWorld.LineUser(n), today)).Select(r => { r.FollowUpUntil = today.AddDays(-1); return r; });
        var nineOClock = Enumerable.Range(26000, 30).Select(n => FollowUpWorld.Resident(FollowUpWorld.LineUser(n), today, "daily", 1, "elderly-watch")).Select(r => { r.FollowUpMinute = 540; r.FollowUpQuestionnaire = "elderly-watch"; return r; });
        await world.SeedAsync([.. due, .. weekly, .. stopped, .. blocked, .. ended, .. nineOClock]);

        // The first run is stopped after its first page of 2,000 (a worker shut down): the rerun plans only the rest.
        var planner = new PlanFollowUpsJob(world.Host.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Persistence.ChatSupportDbContext>>(),
            world.Job<Persistence.Stores.FollowUpStore>(),
            world.Host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<ChatSupport.Tenants.TenantsOptions>>(),
            world.Host.Services.GetRequiredService<Questionnaires.QuestionnaireCatalog>(),
            new CancellingClient(world.Host.Services.GetRequiredService<IBackgroundJobClientV2>(), cancelAfterFirstBatch),
            world.Job<MessageBudget>(), world.Clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<PlanFollowUpsJob>.Instance);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => planner.RunAsync(LineTenant.Id, 600, cancelAfterFirstBatch.Token));
        int firstRun;
        await using (var db = world.Database.Open()) firstRun = await db.FollowUpDeliveries.CountAsync();
        Assert.Contains(firstRun, new[] { PlanFollowUpsJob.PageSize, 2 * PlanFollowUpsJob.PageSize }); // whole pages only, not all of them
        var rest = await world.PlanAsync();
        Assert.Equal(6534 - firstRun, rest.Residents);
        Assert.Equal((0, "nobody due"), ((await world.PlanAsync()).Residents, (await world.PlanAsync()).Outcome));
        Assert.Equal(30, (await world.PlanAsync(hour: 9)).Residents); // the questionnaire's own time slot

        await using (var db = world.Database.Open())
        {
            Assert.Equal(6534 + 30, await db.FollowUpDeliveries.CountAsync());
            Assert.All(await db.FollowUpBatches.ToListAsync(), b => Assert.InRange(b.Recipients, 1, 500));
            // Everyone invited moved on by their rule's interval (an unanswered daily follow-up comes back tomorrow).
            Assert.All(await db.Residents.Where(r => r.FollowUpRule == "symptomatic-daily" && !r.Blocked && !r.FollowUpsStopped && r.FollowUpUntil == null).ToListAsync(),
                r => Assert.Equal(today.AddDays(1), r.NextFollowUp));
            Assert.Null((await db.Residents.FirstAsync(r => r.FollowUpUntil != null)).NextFollowUp); // observation over: out of the index
        }
    }

    /// <summary>Cancels the planner's token once it has enqueued its first dispatch job (as a shutdown would).</summary>
    private sealed class CancellingClient(IBackgroundJobClientV2 inner, CancellationTokenSource cts) : IBackgroundJobClientV2
    {
        public JobStorage Storage => inner.Storage;
        public string Create(Hangfire.Common.Job job, Hangfire.States.IState state) { var id = inner.Create(job, state); cts.Cancel(); return id; }
        public string Create(Hangfire.Common.Job job, Hangfire.States.IState state, IDictionary<string, object> parameters) { var id = inner.Create(job, state, parameters); cts.Cancel(); return id; }
        public bool ChangeState(string jobId, Hangfire.States.IState state, string expectedState) => inner.ChangeState(jobId, state, expectedState);
    }

    [Fact]
    public async Task PlanningAheadOfTheHour_HoldsTheBatchesUntilTheHour_SpreadOverTheWindow()
    {
        await using var world = await FollowUpWorld.StartAsync(new Dictionary<string, string> { [$"Tenants:{LineTenant.Id}:FollowUps:SendingWindow"] = "01:00:00" });
        var today = Day0.AddDays(2);
        await world.SeedAsync(Enumerable.Range(0, 1500).Select(n => FollowUpWorld.Resident(FollowUpWorld.LineUser(n), today)));
        world.Clock.SetJst(today, 9, 45);
        Assert.Equal(3, (await world.PlanAsync()).Batches);
        await using var db = world.Database.Open();
        var hour = new DateTimeOffset(today.ToDateTime(new TimeOnly(10, 0)), TimeSpan.FromHours(9));
        Assert.Equal([hour, hour.AddMinutes(20), hour.AddMinutes(40)], (await db.FollowUpBatches.OrderBy(b => b.Id).Select(b => b.NotBefore).ToListAsync()).Select(t => t.ToOffset(TimeSpan.FromHours(9))));
    }

    [Fact]
    public async Task ADayIsNeverSentLate_OrTwice_AndAMissedHourIsCaughtUpTheSameDay()
    {
        await using var world = await FollowUpWorld.StartAsync();
        var today = Day0.AddDays(1);
        await world.SeedAsync(Enumerable.Range(0, 3).Select(n => FollowUpWorld.Resident(FollowUpWorld.LineUser(n), today)));
        // All workers were down at 10:00; one is back at 15:30: it catches up today.
        world.Clock.SetJst(today, 15, 30);
        Assert.Equal(3, (await world.PlanAsync()).Residents);
        // The batch's job was lost and only runs the next morning: it expires instead of sending yesterday's message.
        world.Clock.SetJst(today.AddDays(1), 8, 0);
        Assert.Equal(["expired"], await world.DispatchAllAsync());
        Assert.Empty(world.Mock.Deliveries());
        await using (var db = world.Database.Open()) // not sent, so due again (not a rule's interval later)
            Assert.All(await db.Residents.ToListAsync(), r => Assert.Equal(today, r.NextFollowUp));
        // A planner that starts after the latest sending time (20:00) sends nothing that day.
        world.Clock.SetJst(today.AddDays(1), 21, 0);
        Assert.Equal("too late", (await world.PlanAsync()).Outcome);
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using ChatSupport.Channels.Line;
using ChatSupport.IntegrationTests.Line;
using ChatSupport.Persistence;
using ChatSupport.Web.Alerts;
using ChatSupport.Web.FollowUps;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ChatSupport.Tenants;

namespace ChatSupport.IntegrationTests.FollowUps;

/// <summary>Sending: LINE's answers, retries with the same key, budgets, the no-answer ladder and the alert webhook.</summary>
public sealed class FollowUpDispatchTests
{
    private static readonly DateOnly Today = new(2026, 11, 10);
    private const string Multicast = "/v2/bot/message/multicast";

    private static async Task<List<FollowUpBatchRow>> BatchesAsync(FollowUpWorld world)
    {
        await using var db = world.Database.Open();
        return await db.FollowUpBatches.AsNoTracking().OrderBy(b => b.Id).ToListAsync();
    }

    [Fact]
    public async Task EachResidentIsSentOnce_ThroughRetries_ACrashAfterLineAccepted_AndABlockBeforeSending()
    {
        await using var world = await FollowUpWorld.StartAsync();
        world.Clock.SetJst(Today, 10, 0);
        await world.SeedAsync(Enumerable.Range(0, 1200).Select(n => FollowUpWorld.Resident(FollowUpWorld.LineUser(n), Today)));
        Assert.Equal(1200, (await world.PlanAsync()).Residents);
        var batches = await BatchesAsync(world);
        Assert.Equal([500, 500, 200], batches.Select(b => b.Recipients));
        var dispatch = world.Job<DispatchFollowUpsJob>();

        // Resident 0 blocks the account after planning: skipped, not sent.
        await using (var db = world.Database.Open())
            await db.Residents.Where(r => r.ChannelUserId == $"{LineTenant.Id}:{FollowUpWorld.LineUser(0)}").ExecuteUpdateAsync(s => s.SetProperty(r => r.Blocked, true));
        Assert.Equal("sent", await dispatch.RunAsync(batches[0].Id, CancellationToken.None));

        // Batch 2: a worker sent it, LINE accepted, and the worker died before recording it. The rerun gets 409: sent, once.
        await using (var db = world.Database.Open())
        {
            var users = await db.FollowUpDeliveries.Where(d => d.BatchId == batches[1].Id).Join(db.Residents, d => d.ResidentId, r => r.Id, (d, r) => r.ChannelUserId!).ToListAsync();
            var early = await world.Job<LineClient>().MulticastAsync(LineTenant.Id, [.. users.Select(u => LineActivityMapper.SplitKey(u).LineId)],
                [LineInvitation.Message("x", "回答する", "covid19-followup")], Guid.Parse(batches[1].RetryKey));
            Assert.True(early.Delivered);
        }
        Assert.Equal("sent", await dispatch.RunAsync(batches[1].Id, CancellationToken.None));
        Assert.Contains(world.Mock.Requests, r => r.Path == Multicast && r.Status == 409);

        // Batch 3: LINE fails longer than the client's retries; Hangfire's retry later sends it with the same key.
        world.Mock.FailNext(Multicast, 500, times: 3);
        await Assert.ThrowsAsync<LineUnavailableException>(() => dispatch.RunAsync(batches[2].Id, CancellationToken.None));
        var failed = (await BatchesAsync(world))[2];
        Assert.Equal(("planned", 1), (failed.Status, failed.Attempts));
        Assert.StartsWith("500", failed.LastError);
        Assert.Equal("sent", await dispatch.RunAsync(batches[2].Id, CancellationToken.None));
        Assert.Equal("sent", await dispatch.RunAsync(batches[2].Id, CancellationToken.None)); // a duplicate job finds it done
        Assert.All(world.Mock.Requests.Where(r => r.Path == Multicast && r.Body?["to"]?.AsArray().Count == 200),
            r => Assert.Equal(batches[2].RetryKey, r.Headers["X-Line-Retry-Key"]));

        var deliveries = world.Mock.Deliveries();
        Assert.Equal(1199, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal(1, d.Value));
        Assert.False(deliveries.ContainsKey(FollowUpWorld.LineUser(0)));
        Assert.Empty(world.Mock.SpecViolations);
        await using (var db = world.Database.Open())
        {
            Assert.Equal(1199, await FollowUpWorld.SentDeliveriesAsync(db));
            Assert.Equal(FollowUpWorld.Keys.Pseudonym($"line:{LineTenant.Id}:{FollowUpWorld.LineUser(0)}"), (await db.FollowUpDeliveries.SingleAsync(d => d.Status == "skipped")).ResidentId);
            Assert.Equal(1199, await db.MessageUsage.SumAsync(m => m.Messages));
        }
    }

    [Fact]
    public async Task ABatchLineRefuses_IsFailedWithItsReason_AndNotRetried_AndABudgetHoldsSending()
    {
        await using (var world = await FollowUpWorld.StartAsync())
        {
            world.Clock.SetJst(Today, 10, 0);
            await world.SeedAsync(Enumerable.Range(0, 10).Select(n => FollowUpWorld.Resident(FollowUpWorld.LineUser(n), Today)));
            await world.PlanAsync();
            var batch = Assert.Single(await BatchesAsync(world));
            world.Mock.FailNext(Multicast, 400);
            await Assert.ThrowsAsync<FollowUpBatchRejectedException>(() => world.Job<DispatchFollowUpsJob>().RunAsync(batch.Id, CancellationToken.None));
            Assert.Equal("failed", await world.Job<DispatchFollowUpsJob>().RunAsync(batch.Id, CancellationToken.None));
            Assert.Single(world.Mock.Requests, r => r.Path == Multicast);
            var staff = world.Host.CreateClient();
            staff.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", WebHost.StaffKey);
            var listed = Assert.Single((await staff.GetFromJsonAsync<List<FollowUpBatch>>("/api/staff/follow-ups/batches?status=failed"))!);
            Assert.Equal((batch.Id, 10), (listed.Id, listed.Recipients));
            Assert.StartsWith("400", listed.Reason);
        }
        var budget = new Dictionary<string, string> { [$"Tenants:{LineTenant.Id}:FollowUps:MonthlyMessageBudget"] = "25" };
        await using (var world = await FollowUpWorld.StartAsync(budget))
        {
            world.Clock.SetJst(Today, 10, 0);
            await world.SeedAsync(Enumerable.Range(0, 20).Select(n => FollowUpWorld.Resident(FollowUpWorld.LineUser(n), Today)));
            Assert.Equal(20, (await world.PlanAsync()).Residents);
            await world.DispatchAllAsync();
            // The next day 20 more would make 40 of 25: held, nothing sent, and the month's usage says why.
            world.Clock.SetJst(Today.AddDays(1), 10, 0);
            Assert.Equal("held: over budget", (await world.PlanAsync()).Outcome);
            Assert.Equal(20, world.Mock.Deliveries().Count);
            var staff = world.Host.CreateClient();
            staff.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", WebHost.StaffKey);
            var usage = await staff.GetFromJsonAsync<MessageUsage>($"/api/staff/follow-ups/usage?tenant={LineTenant.Id}");
            Assert.Equal((20L, (long?)25, "2026-11"), (usage!.Messages, usage.Budget, usage.Month));
            Assert.Equal("none", usage.Line?.Type); // LINE's quota, read from the (mock) quota endpoint
        }
        budget[$"Tenants:{LineTenant.Id}:FollowUps:OverBudget"] = "Warn";
        await using (var world = await FollowUpWorld.StartAsync(budget))
        {
            world.Clock.SetJst(Today, 10, 0);
            await world.SeedAsync(Enumerable.Range(0, 30).Select(n => FollowUpWorld.Resident(FollowUpWorld.LineUser(n), Today)));
            await world.PlanAsync();
            Assert.Equal(["sent"], await world.DispatchAllAsync());
            Assert.Contains(world.Host.Logs, l => l.Contains("sent anyway"));
        }
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task RemindersGoOnlyToThoseWhoHaveNotAnswered_ThenStaffAreAlerted_AndTheWebhookGetsASignedPost(string provider)
    {
        await using var hook = await WebhookReceiver.StartAsync();
        await using var world = await FollowUpWorld.StartAsync(new Dictionary<string, string>
        {
            [$"Tenants:{LineTenant.Id}:FollowUps:AlertWebhookUrl"] = hook.Url,
            [$"Tenants:{LineTenant.Id}:FollowUps:AlertWebhookSecret"] = "webhook-secret-for-tests",
        }, database: await TestDatabase.CreateAsync(provider));
        world.Clock.SetJst(Today, 10, 0);
        // covid19-selfcheck's symptomatic-daily rule: a reminder after 3 h, staff alerted after 6 h.
        var residents = Enumerable.Range(0, 3).Select(n => FollowUpWorld.Resident(FollowUpWorld.LineUser(n), Today)).ToList();
        await world.SeedAsync(residents);
        await world.PlanAsync();
        await world.DispatchAllAsync();
        async Task AnswerAsync(int n, int hour)
        {
            await using var db = world.Database.Open();
            var at = new DateTimeOffset(Today.ToDateTime(new TimeOnly(hour, 0)), TimeSpan.FromHours(9));
            db.Responses.Add(new ResponseRow { Id = $"r{n}-{hour}", ResidentId = residents[n].Id, QuestionnaireId = "covid19-followup", QuestionnaireVersion = "1", Status = "completed", StartedAt = at, CompletedAt = at, LocalDate = Today });
            await db.SaveChangesAsync();
        }
        await AnswerAsync(0, 11);
        var chase = world.Job<ChaseFollowUpsJob>();
        world.Clock.SetJst(Today, 12, 59);
        Assert.Equal(0, await chase.RunAsync(LineTenant.Id, CancellationToken.None));
        world.Clock.SetJst(Today, 13, 5);
        Assert.Equal(1, await chase.RunAsync(LineTenant.Id, CancellationToken.None));
        Assert.Equal(["sent"], await world.DispatchAllAsync());
        var reminder = world.Mock.Requests.Last(r => r.Path == Multicast && r.Status == 200);
        Assert.Equal([FollowUpWorld.LineUser(1), FollowUpWorld.LineUser(2)], reminder.Body!["to"]!.AsArray().Select(t => (string)t!).Order());
        Assert.Contains("まだお答えいただいていません", reminder.Body.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));

        await AnswerAsync(1, 14);
        world.Clock.SetJst(Today, 16, 5);
        Assert.Equal(1, await chase.RunAsync(LineTenant.Id, CancellationToken.None));
        Assert.Equal(0, await chase.RunAsync(LineTenant.Id, CancellationToken.None)); // each step once
        await using (var db = world.Database.Open())
        {
            var alert = await db.StaffAlerts.SingleAsync();
            Assert.Equal(("unreachable", residents[2].Id), (alert.Kind, alert.ResidentId));
        }
        Assert.Equal(2, world.Mock.Deliveries()[FollowUpWorld.LineUser(2)]);
        Assert.Equal(1, world.Mock.Deliveries()[FollowUpWorld.LineUser(0)]);

        Assert.Equal(1, await world.Job<PostStaffAlertsJob>().RunAsync(CancellationToken.None));
        var (body, signature) = Assert.Single(hook.Received);
        Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("webhook-secret-for-tests"), body)), signature);
        var posted = System.Text.Json.JsonDocument.Parse(body).RootElement;
        Assert.Equal((residents[2].Id, "unreachable"), (posted.GetProperty("resident").GetString(), posted.GetProperty("kind").GetString()));
        Assert.DoesNotContain(FollowUpWorld.LineUser(2), Encoding.UTF8.GetString(body));
        Assert.Equal(0, await world.Job<PostStaffAlertsJob>().RunAsync(CancellationToken.None)); // posted once
    }

    [Fact]
    public async Task AnEveningInvitation_GetsNoLateReminder_ButStaffAreStillAlertedAfterMidnight()
    {
        await using var world = await FollowUpWorld.StartAsync();
        world.Clock.SetJst(Today, 19, 45); // caught up in the evening
        await world.SeedAsync([FollowUpWorld.Resident(FollowUpWorld.LineUser(1), Today)]);
        await world.PlanAsync();
        Assert.Equal(["sent"], await world.DispatchAllAsync());
        var chase = world.Job<ChaseFollowUpsJob>();
        world.Clock.SetJst(Today, 22, 50); // the 3 h reminder falls after the latest sending time (20:00): skipped
        Assert.Equal(1, await chase.RunAsync(LineTenant.Id, CancellationToken.None));
        Assert.Empty(await world.DispatchAllAsync());
        world.Clock.SetJst(Today.AddDays(1), 1, 50); // the 6 h alert falls on the next day: still raised
        Assert.Equal(1, await chase.RunAsync(LineTenant.Id, CancellationToken.None));
        await using var db = world.Database.Open();
        Assert.Equal("unreachable", (await db.StaffAlerts.SingleAsync()).Kind);
        Assert.Equal(1, world.Mock.Deliveries()[FollowUpWorld.LineUser(1)]);
    }

    /// <summary>A health centre's system: records what is posted to it.</summary>
    private sealed class WebhookReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private WebhookReceiver(WebApplication app) => _app = app;
        public ConcurrentQueue<(byte[] Body, string Signature)> Received { get; } = new();
        public string Url { get; private set; } = "";

        public static async Task<WebhookReceiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Configuration.Sources.Clear();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            var receiver = new WebhookReceiver(app);
            app.Run(async http =>
            {
                using var buffer = new MemoryStream();
                await http.Request.Body.CopyToAsync(buffer);
                receiver.Received.Enqueue((buffer.ToArray(), http.Request.Headers[PostStaffAlertsJob.SignatureHeader].ToString()));
                http.Response.StatusCode = 204;
            });
            await app.StartAsync();
            receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/alerts";
            return receiver;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}

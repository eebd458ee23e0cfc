using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using ChatSupport.Channels.Line;
using ChatSupport.IntegrationTests.Line;
using ChatSupport.Questionnaires;
using ChatSupport.Web.FollowUps;
using ChatSupport.Web.Jobs;
using Hangfire;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using ChatSupport.Tenants;

namespace ChatSupport.IntegrationTests.FollowUps;

/// <summary>Real Hangfire servers on the PostgreSQL job storage: several of them, one killed mid-job, the dashboard, recurring jobs.</summary>
public sealed class FollowUpWorkerTests
{
    private static readonly DateOnly Today = new(2026, 11, 12);

    private static Dictionary<string, string> Worker(string role = "all") => new()
    {
        ["ChatSupport:Role"] = role,
        ["Jobs:WorkerCount"] = "3",
        ["Jobs:SchedulePollingInterval"] = "00:00:00.500",
        ["Jobs:InvisibilityTimeout"] = "00:00:03",
    };

    private static async Task WaitForDeliveriesAsync(FollowUpWorld world, int residents, int seconds = 60)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (world.Mock.Deliveries().Count < residents && DateTime.UtcNow < until) await Task.Delay(200);
    }

    [Fact]
    public async Task TwoHangfireServers_PlanningAndDispatchingTheSameDay_SendEachResidentOnce()
    {
        await using var first = await FollowUpWorld.StartAsync(Worker());
        first.Clock.SetJst(Today, 10, 0);
        await first.SeedAsync(Enumerable.Range(0, 1600).Select(n => FollowUpWorld.Resident(FollowUpWorld.LineUser(n), Today)));
        // A second node on the same database and job storage, with its own clock at the same time.
        var secondClock = new ShiftedClock { Offset = first.Clock.Offset };
        await using var second = new WebHost(first.Database, settings: LineTenant.Settings(first.Mock, new Dictionary<string, string>(Worker())
        {
            [$"Tenants:{LineTenant.Id}:FollowUps:SendingWindow"] = "00:00:00",
        }), services: s => { s.RemoveAll<TimeProvider>(); s.AddSingleton<TimeProvider>(secondClock); });
        _ = second.Server;

        // Both nodes start the day's planning at once (as if each had fired the recurring job).
        first.Host.Services.GetRequiredService<IBackgroundJobClientV2>().Enqueue<PlanFollowUpsJob>(j => j.RunAsync(LineTenant.Id, 600, CancellationToken.None));
        second.Services.GetRequiredService<IBackgroundJobClientV2>().Enqueue<PlanFollowUpsJob>(j => j.RunAsync(LineTenant.Id, 600, CancellationToken.None));
        await WaitForDeliveriesAsync(first, 1600);

        var deliveries = first.Mock.Deliveries();
        Assert.Equal(1600, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal(1, d.Value));
        Assert.Empty(first.Mock.SpecViolations);
        await using var db = first.Database.Open();
        // LINE has them all; the last jobs may still be recording theirs.
        await LineWebhookTests.WaitUntilAsync(async () => await FollowUpWorld.SentDeliveriesAsync(db) == 1600, 30);
        Assert.Equal(0, await db.FollowUpBatches.CountAsync(b => b.Status != "sent"));
        // Both servers worked (the jobs were shared out through the storage).
        Assert.True(first.Host.Services.GetRequiredService<JobStorage>().GetMonitoringApi().Servers().Count >= 2);
    }

    [Fact]
    public async Task AWorkerKilledMidJob_LeavesNoDuplicateAndNoGap()
    {
        // The worker process runs on the real clock: the tenant is put in a time zone where it is now about noon.
        var offset = 12 - DateTime.UtcNow.Hour;
        var zone = offset == 0 ? "Etc/UTC" : $"Etc/GMT{(offset > 0 ? "-" : "+")}{Math.Abs(offset)}";
        var tenantZone = new Dictionary<string, string> { [$"Tenants:{LineTenant.Id}:TimeZoneId"] = zone };
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(offset));
        // The planner runs here (a web node: no Hangfire server); a worker process picks up the dispatch jobs.
        await using var world = await FollowUpWorld.StartAsync(tenantZone);
        await world.SeedAsync(Enumerable.Range(0, 1000).Select(n => FollowUpWorld.Resident(FollowUpWorld.LineUser(n), today)));
        Assert.Equal(1000, (await world.PlanAsync()).Residents);

        // LINE accepts the first multicast but the worker is killed before it hears so: nothing recorded on our side.
        world.Mock.AcceptedAnswerDelay = TimeSpan.FromSeconds(30);
        using (var worker = StartWorkerProcess(world, tenantZone))
        {
            try
            {
                await world.Mock.WaitForAsync(r => r.Path == "/v2/bot/message/multicast", TimeSpan.FromSeconds(60));
            }
            finally
            {
                worker.Kill(entireProcessTree: true);
                await worker.WaitForExitAsync();
            }
        }
        world.Mock.AcceptedAnswerDelay = TimeSpan.Zero;
        await using (var db = world.Database.Open())
            Assert.Equal(0, await FollowUpWorld.SentDeliveriesAsync(db));

        // Another worker takes over once the dead one's jobs become visible again (sliding invisibility timeout).
        await using var takeover = new WebHost(world.Database, settings: LineTenant.Settings(world.Mock, new Dictionary<string, string>(Worker("worker")).Concat(tenantZone).ToDictionary()));
        _ = takeover.Server;
        await WaitForDeliveriesAsync(world, 1000);
        await using (var db = world.Database.Open())
            await LineWebhookTests.WaitUntilAsync(async () => await FollowUpWorld.SentDeliveriesAsync(db) == 1000, 60);

        var deliveries = world.Mock.Deliveries();
        Assert.Equal(1000, deliveries.Count); // no gap
        Assert.All(deliveries, d => Assert.Equal(1, d.Value)); // no duplicate: the retried batch got 409
        Assert.Contains(world.Mock.Requests, r => r.Path == "/v2/bot/message/multicast" && r.Status == 409);
    }

    /// <summary>ChatSupport.Web as its own process, role worker, on the test's database and LINE mock (killed by the test).</summary>
    private static Process StartWorkerProcess(FollowUpWorld world, Dictionary<string, string> extra)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "ChatSupport.Web.dll")])
        {
            WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        var env = new Dictionary<string, string>(LineTenant.Settings(world.Mock, new Dictionary<string, string>(Worker("worker")).Concat(extra).ToDictionary()))
        {
            ["ConnectionStrings:ChatSupport"] = world.Database.ConnectionString,
            ["Database:Provider"] = world.Database.Provider,
            ["Residents:PseudonymKey"] = "web-test-pseudonymisation-key-0123456789",
            ["Questionnaires:Path"] = WebHost.Dialogs,
            ["Urls"] = "http://127.0.0.1:0",
            ["Line:MaxRetries"] = "1",
            ["Jobs:SchedulePollingInterval"] = "00:00:00.500",
        };
        foreach (var (key, value) in env) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    [Fact]
    public async Task TheDashboard_IsForStaff_WithAKeyOrTheBrowsersSignIn()
    {
        await using var world = await FollowUpWorld.StartAsync();
        var client = world.Host.CreateClient();
        var anonymous = await client.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("Basic", anonymous.Headers.WwwAuthenticate.ToString());
        var wrong = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("desk:not-the-key"u8.ToArray()));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(wrong)).StatusCode);
        var browser = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
        browser.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("desk:" + WebHost.StaffKey)));
        var page = await client.SendAsync(browser);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("ChatSupport jobs", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RecurringJobs_FollowTheTenants_InTheirTimeZones_AndGoWithThem()
    {
        await using var world = await FollowUpWorld.StartAsync();
        var services = world.Host.Services;
        var storage = services.GetRequiredService<JobStorage>();
        var sync = new RecurringJobsSync(services.GetRequiredService<IRecurringJobManagerV2>(), storage,
            services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<TenantsOptions>>(), services.GetRequiredService<ChatSupport.Web.Questionnaires.QuestionnaireLibrary>(),
            services.GetRequiredService<ChatSupport.Web.Reports.ReportTenants>(), NullLogger<RecurringJobsSync>.Instance);
        var line = new LineChannelOptions { ChannelSecret = "s", ChannelAccessToken = "t", ApiBaseUrl = "http://127.0.0.1:1" };
        sync.Sync(new TenantsOptions
        {
            ["kanagawa"] = new() { Line = line, FollowUpHour = 10 },
            ["okinawa"] = new() { Line = line, FollowUpHour = 8, TimeZoneId = "Asia/Tokyo", Reports = new() { AggregateAt = new TimeOnly(1, 5) } },
        });
        List<RecurringJobDto> Jobs()
        {
            using var connection = storage.GetConnection();
            return connection.GetRecurringJobs();
        }
        var jobs = Jobs().ToDictionary(j => j.Id);
        // Planned 15 minutes ahead of each slot: sending starts on the hour.
        Assert.Equal("45 9 * * *", jobs["tenant:kanagawa:plan-follow-ups:1000"].Cron);
        Assert.Equal("45 8 * * *", jobs["tenant:kanagawa:plan-follow-ups:0900"].Cron); // elderly-watch's own time
        Assert.Equal("45 7 * * *", jobs["tenant:okinawa:plan-follow-ups:0800"].Cron);
        Assert.Equal("Asia/Tokyo", jobs["tenant:okinawa:plan-follow-ups:0800"].TimeZoneId);
        Assert.Contains("tenant:okinawa:chase-follow-ups", jobs.Keys);
        Assert.Contains("post-staff-alerts", jobs.Keys);
        // The daily figures: yesterday, counted after each tenant's midnight (and for residents without a tenant).
        Assert.Equal("30 0 * * *", jobs["tenant:kanagawa:aggregate-daily"].Cron);
        Assert.Equal("5 1 * * *", jobs["tenant:okinawa:aggregate-daily"].Cron);
        Assert.Equal("Asia/Tokyo", jobs["tenant:okinawa:aggregate-daily"].TimeZoneId);
        Assert.Contains("tenant:default:aggregate-daily", jobs.Keys);

        // Okinawa leaves and Kanagawa moves its hour: the jobs follow.
        sync.Sync(new TenantsOptions { ["kanagawa"] = new() { Line = line, FollowUpHour = 11 } });
        var ids = Jobs().Select(j => j.Id).ToList();
        Assert.DoesNotContain(ids, id => id.StartsWith("tenant:okinawa:", StringComparison.Ordinal));
        Assert.DoesNotContain("tenant:kanagawa:plan-follow-ups:1000", ids);
        Assert.Contains("tenant:kanagawa:plan-follow-ups:1100", ids);
    }

    [Fact]
    public async Task APublishedQuestionnaire_WithAnotherTime_GetsItsPlanningSlot_AndItsPolicyIsRecorded_WithoutARestart()
    {
        await using var world = await FollowUpWorld.StartAsync();
        var services = world.Host.Services;
        var storage = services.GetRequiredService<JobStorage>();
        var library = services.GetRequiredService<ChatSupport.Web.Questionnaires.QuestionnaireLibrary>();
        using var sync = new RecurringJobsSync(services.GetRequiredService<IRecurringJobManagerV2>(), storage,
            services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<TenantsOptions>>(), library,
            services.GetRequiredService<ChatSupport.Web.Reports.ReportTenants>(), NullLogger<RecurringJobsSync>.Instance);
        await sync.StartAsync(CancellationToken.None);
        List<string> Jobs()
        {
            using var connection = storage.GetConnection();
            return [.. connection.GetRecurringJobs().Select(j => j.Id)];
        }
        Assert.Contains("tenant:kanagawa:plan-follow-ups:0900", Jobs());
        var before = library.Current.Find("elderly-watch")!;
        Assert.NotEqual("none", ChatSupport.Web.Reports.QuestionnaireRevisions.PolicyHash(before)); // a stored version has its policy's fingerprint

        // elderly-watch moves from 09:00 to 07:30, published by a second person.
        var publishing = services.GetRequiredService<ChatSupport.Web.Questionnaires.QuestionnairePublishing>();
        await using (var db = world.Database.Open())
        {
            var source = (await db.QuestionnaireVersions.SingleAsync(v => v.QuestionnaireId == "elderly-watch" && v.State == "published")).Source;
            Assert.Contains("at: \"09:00\"", source, StringComparison.Ordinal);
            var draft = await publishing.SaveDraftAsync("elderly-watch", null, source.Replace("at: \"09:00\"", "at: \"07:30\"", StringComparison.Ordinal), null, "editor", CancellationToken.None);
            Assert.Equal(200, (await publishing.PublishAsync("elderly-watch", draft.Version, null, "approver", CancellationToken.None)).Status);
        }

        var jobs = Jobs();
        Assert.Contains("tenant:kanagawa:plan-follow-ups:0730", jobs);
        Assert.DoesNotContain("tenant:kanagawa:plan-follow-ups:0900", jobs);
        var after = ChatSupport.Web.Reports.QuestionnaireRevisions.PolicyHash(library.Current.Find("elderly-watch")!);
        Assert.NotEqual(ChatSupport.Web.Reports.QuestionnaireRevisions.PolicyHash(before), after);
        // The revision is recorded in the background of the publication: wait for the row itself.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            await using var db = world.Database.Open();
            if (await db.QuestionnaireRevisions.AnyAsync(r => r.QuestionnaireId == "elderly-watch" && r.PolicyHash == after, timeout.Token)) break;
            await Task.Delay(50, timeout.Token);
        }
    }
}

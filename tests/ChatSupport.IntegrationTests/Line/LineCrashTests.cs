using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using ChatSupport.Channels.Line;
using ChatSupport.Tests.Line;
using Microsoft.EntityFrameworkCore;

namespace ChatSupport.IntegrationTests.Line;

/// <summary>
/// The host as its own process (the built ChatSupport.Web.dll, configured by environment variables, on a fresh
/// PostgreSQL database and the LINE mock), killed with SIGKILL while residents are answering the questionnaire, and
/// started again on the same database: every event gets its answer exactly once.
/// </summary>
public sealed class LineCrashTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Residents = 24;
    private static readonly string[] Script = ["同意する", "1日前から", "無し", "70", "男性", "無職", "下記いずれも該当なし", "２２０－００１２", "いずれも行っていない"];

    private sealed record Sent(string ReplyToken, string UserId, DateTimeOffset AcknowledgedAt, bool BeforeKill);

    [Fact]
    public async Task KilledUnderLoad_AndRestarted_EveryEventIsAnsweredExactlyOnce()
    {
        await using var database = await TestDatabase.CreateAsync("postgres");
        await using var mock = await LineApiMock.StartAsync(LineTenant.Token);
        // LINE spends a reply token, then answers a little later: a host killed meanwhile never hears that it was delivered.
        mock.AcceptedReplyAnswerDelay = TimeSpan.FromMilliseconds(40);
        var port = FreePort();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        var phases = new List<string>();
        void Phase(string name) => phases.Add($"{name} {clock.Elapsed.TotalSeconds:0.0} s");
        var host = StartHost(database, mock, port);
        try
        {
            await WaitReadyAsync(http, host);
            Phase("ready");
            var sent = new ConcurrentBag<Sent>();
            var acknowledged = 0;
            var killed = 0;
            var killAt = Residents * (Script.Length + 1) * 2 / 5; // 40 % of the events acknowledged
            var kill = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            async Task ResidentAsync()
            {
                var resident = new LineResident(http, mock);
                foreach (var say in Script.Prepend(null))
                {
                    resident.Now = DateTimeOffset.UtcNow.AddSeconds(-1); // the event happens now
                    var e = say is null ? resident.Follow() : resident.Text(say);
                    var token = (string)e["replyToken"]!;
                    // LINE redelivers an event that got no 2xx (the host down, or killed mid-request).
                    for (var attempt = 0; ; attempt++)
                    {
                        if (attempt > 0) e["deliveryContext"] = new JsonObject { ["isRedelivery"] = true };
                        try
                        {
                            var before = Volatile.Read(ref killed) == 0;
                            if ((await resident.PostAsync(LineResident.Body(e))).StatusCode == HttpStatusCode.OK)
                            {
                                sent.Add(new Sent(token, resident.UserId, DateTimeOffset.UtcNow, before && Volatile.Read(ref killed) == 0));
                                if (Interlocked.Increment(ref acknowledged) == killAt) kill.TrySetResult();
                                break;
                            }
                        }
                        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException) { }
                        await Task.Delay(200);
                    }
                    await mock.WaitForAsync(r => r.Path == "/v2/bot/message/reply" && (string?)r.Body?["replyToken"] == token
                        || r.Path == "/v2/bot/message/push" && (string?)r.Body?["to"] == resident.UserId, TimeSpan.FromSeconds(60));
                }
            }

            var residents = Enumerable.Range(0, Residents).Select(_ => Task.Run(ResidentAsync)).ToList();
            await kill.Task.WaitAsync(TimeSpan.FromSeconds(60));
            Phase("kill");
            Volatile.Write(ref killed, 1);
            host.Kill(entireProcessTree: true); // SIGKILL: nothing is flushed, nothing said goodbye
            await host.WaitForExitAsync();
            var killedAt = DateTimeOffset.UtcNow;
            var acknowledgedBeforeKill = sent.Count(s => s.BeforeKill);
            host.Dispose();
            host = StartHost(database, mock, port);
            await WaitReadyAsync(http, host);
            var restartedAt = DateTimeOffset.UtcNow;
            Phase("ready again");
            await Task.WhenAll(residents).WaitAsync(TimeSpan.FromSeconds(90));
            Phase("all answered");

            // Barrier: every event processed and every outbox row settled; only outbox rows are ever sent.
            await using (var db = database.Open())
                await LineWebhookTests.WaitUntilAsync(async () =>
                    !await db.LineInbox.AnyAsync(r => r.Status == "pending") && !await db.LineOutbox.AnyAsync(), 30);

            Phase("settled");
            output.WriteLine(string.Join(", ", phases));
            var requests = mock.Requests;
            var accepted = requests.Where(r => r.Status == 200 && r.Path is "/v2/bot/message/reply" or "/v2/bot/message/push").ToList();
            var events = sent.ToList();
            // Replies name their event (its token); a push names only the resident: deliveries are compared per resident.
            var replied = accepted.Where(r => r.Path == "/v2/bot/message/reply").Select(r => (string)r.Body!["replyToken"]!).ToHashSet();
            var pushes = accepted.Count(r => r.Path == "/v2/bot/message/push");
            var perResident = events.GroupBy(s => s.UserId).Select(g => (Events: g.Count(),
                Deliveries: g.Count(s => replied.Contains(s.ReplyToken)) + accepted.Count(r => r.Path == "/v2/bot/message/push" && (string?)r.Body!["to"] == g.Key))).ToList();
            var duplicates = perResident.Sum(p => Math.Max(0, p.Deliveries - p.Events)) + (accepted.Count(r => r.Path == "/v2/bot/message/reply") - replied.Count);
            var losses = perResident.Sum(p => Math.Max(0, p.Events - p.Deliveries));
            var lateness = events.Where(s => replied.Contains(s.ReplyToken))
                .Select(s => accepted.First(r => (string?)r.Body?["replyToken"] == s.ReplyToken).At - s.AcknowledgedAt).Order().ToList();
            var settledAfterRestart = requests.Count(r => r.Path == "/v2/bot/message/reply" && r.Status == 400);
            output.WriteLine($"events {events.Count} (residents {Residents}), acknowledged before the kill {acknowledgedBeforeKill}, " +
                $"duplicates {duplicates}, losses {losses}, pushes {pushes}, replies refused as used after the restart {settledAfterRestart}, " +
                $"restart {(restartedAt - killedAt).TotalSeconds:0.0} s, lateness median {lateness[lateness.Count / 2].TotalSeconds:0.00} s, " +
                $"max {lateness[^1].TotalSeconds:0.00} s");

            Assert.Equal(Residents * (Script.Length + 1), events.Count);
            Assert.True(acknowledgedBeforeKill >= killAt - Residents, $"only {acknowledgedBeforeKill} events before the kill");
            Assert.Equal(0, losses);
            Assert.Equal(0, duplicates);
            // No answer waits for the sweep's ResendPendingAfter (134 s): each comes soon after the host is back.
            var down = restartedAt - killedAt;
            Assert.True(lateness[^1] < down + TimeSpan.FromSeconds(20), $"an answer came {lateness[^1].TotalSeconds:0.0} s late (the host was down {down.TotalSeconds:0.0} s)");
            Assert.Empty(mock.SpecViolations);
            // No state broke: every resident finished the questionnaire once, with all eight answers.
            await using (var db = database.Open())
            {
                Assert.Equal(Residents, await db.Responses.CountAsync(r => r.CompletedAt != null));
                Assert.Equal(Residents, await db.Responses.CountAsync());
                Assert.Equal(Residents * 8, await db.Answers.CountAsync());
            }
        }
        finally
        {
            if (!host.HasExited) host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
            host.Dispose();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>ChatSupport.Web as its own process, configured only by environment variables, listening on <paramref name="port"/>.</summary>
    private static Process StartHost(TestDatabase database, LineApiMock mock, int port)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "ChatSupport.Web.dll")])
        {
            WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        var env = new Dictionary<string, string>(LineTenant.Settings(mock))
        {
            ["ConnectionStrings:ChatSupport"] = database.ConnectionString,
            ["Database:Provider"] = database.Provider,
            ["Residents:PseudonymKey"] = "web-test-pseudonymisation-key-0123456789",
            ["Questionnaires:Path"] = WebHost.Dialogs,
            ["ChatSupport:Role"] = "web",
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in env) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitReadyAsync(HttpClient http, Process host)
    {
        for (var i = 0; i < 900; i++)
        {
            Assert.False(host.HasExited, "The host process exited at start.");
            try
            {
                if ((await http.GetAsync("/readyz")).IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            await Task.Delay(100);
        }
        Assert.Fail("The host did not become ready in 90 s.");
    }
}

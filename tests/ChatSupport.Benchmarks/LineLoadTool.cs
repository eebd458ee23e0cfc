using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ChatSupport.Channels.Line;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatSupport.Benchmarks;

/// <summary>
/// LINE's side of a load test: virtual residents send signed webhook events (one request per event) at a fixed
/// rate, each waiting for the answer to its previous message before it sends the next, as people do; a loopback
/// stand-in for the Messaging API receives the host's replies. For each rate: events/s accepted, webhook response
/// p50/p99, and end-to-end p50/p99 from sending the event to the reply arriving. Rates rise until one is not
/// sustained (more than 1% of its events unanswered within 10 s, or an end-to-end p99 over 3 s: a backlog builds).
/// <code>line-load --url http://127.0.0.1:5090 --mock-port 5091 --tenant bench --secret S --rates 50,100,200 --seconds 10</code>
/// </summary>
public static class LineLoadTool
{
    private static readonly string[] Script =
        ["follow", "同意する", "1日前から", "無し", "70", "男性", "無職", "下記いずれも該当なし", "220-0012", "いずれも行っていない"];

    public static async Task<int> RunAsync(string[] args)
    {
        string Arg(string name, string fallback) => Array.LastIndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
        var url = new Uri(Arg("--url", "http://127.0.0.1:5090"));
        if (!url.IsLoopback) { Console.Error.WriteLine("The load tool only targets this machine (loopback)."); return 2; }
        var port = int.Parse(Arg("--mock-port", "5091"), CultureInfo.InvariantCulture);
        var tenant = Arg("--tenant", "bench");
        var secret = Arg("--secret", "");
        var seconds = int.Parse(Arg("--seconds", "10"), CultureInfo.InvariantCulture);
        var rates = Arg("--rates", "50,100,200").Split(',').Select(r => double.Parse(r, CultureInfo.InvariantCulture)).ToList();

        var replies = new ConcurrentDictionary<string, TaskCompletionSource<long>>(StringComparer.Ordinal);
        await using var mock = await StartMockAsync(port, replies);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };

        // A few conversations first, not counted: the host compiles its code.
        await RunRateAsync(http, tenant, secret, replies, 100, 10, "warmup");
        Console.WriteLine("rate_offered  events_per_s  webhook_p50_ms  webhook_p99_ms  e2e_p50_ms  e2e_p99_ms  unanswered");
        foreach (var rate in rates)
        {
            var r = await RunRateAsync(http, tenant, secret, replies, rate, seconds, $"r{rate}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{rate,12:F0}  {r.EventsPerSecond,12:F1}  {r.WebhookP50,14:F1}  {r.WebhookP99,14:F1}  {r.EndToEndP50,10:F1}  {r.EndToEndP99,10:F1}  {r.Unanswered,10}"));
            // Past the sustainable rate a backlog builds that later rates would inherit: stop there.
            if (r.Unanswered > rate * seconds / 100 || r.EndToEndP99 > 3000) { Console.WriteLine($"not sustained at {rate}/s (a backlog builds): stopping"); break; }
        }
        return 0;
    }

    private sealed record Result(double EventsPerSecond, double WebhookP50, double WebhookP99, double EndToEndP50, double EndToEndP99, int Unanswered);

    private static async Task<Result> RunRateAsync(HttpClient http, string tenant, string secret,
        ConcurrentDictionary<string, TaskCompletionSource<long>> replies, double rate, int seconds, string prefix)
    {
        var webhook = new ConcurrentBag<double>();
        var endToEnd = new ConcurrentBag<double>();
        var unanswered = 0;
        var free = new ConcurrentQueue<(string User, int Step)>();
        var pending = new List<Task>();
        var clock = Stopwatch.StartNew();
        var interval = TimeSpan.FromSeconds(1 / rate);
        var sent = 0;
        var created = 0;
        for (var next = TimeSpan.Zero; next < TimeSpan.FromSeconds(seconds); next += interval)
        {
            var wait = next - clock.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            if (!free.TryDequeue(out var resident)) resident = ($"U{prefix}{Interlocked.Increment(ref created):D6}".PadRight(33, '0')[..33], 0);
            sent++;
            pending.Add(Task.Run(async () =>
            {
                var token = Guid.NewGuid().ToString("N");
                var answered = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                replies[token] = answered;
                var body = Body(resident.User, Script[resident.Step], token);
                var started = Stopwatch.GetTimestamp();
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/line/{tenant}") { Content = content };
                request.Headers.Add("x-line-signature", LineSignature.Sign(body, secret));
                using var response = await http.SendAsync(request);
                webhook.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                var done = await Task.WhenAny(answered.Task, Task.Delay(TimeSpan.FromSeconds(10)));
                replies.TryRemove(token, out _);
                if (done == answered.Task && response.IsSuccessStatusCode) endToEnd.Add(Stopwatch.GetElapsedTime(started, answered.Task.Result).TotalMilliseconds);
                else Interlocked.Increment(ref unanswered);
                if (resident.Step + 1 < Script.Length) free.Enqueue((resident.User, resident.Step + 1));
            }));
        }
        var offeredFor = clock.Elapsed.TotalSeconds;
        await Task.WhenAll(pending);
        static double P(List<double> l, double q) => l.Count == 0 ? double.NaN : l[Math.Min(l.Count - 1, (int)(q * l.Count))];
        var w = webhook.Order().ToList();
        var e = endToEnd.Order().ToList();
        return new Result(e.Count / offeredFor, P(w, 0.5), P(w, 0.99), P(e, 0.5), P(e, 0.99), unanswered);
    }

    private static byte[] Body(string user, string say, string replyToken)
    {
        var e = new JsonObject
        {
            ["type"] = say == "follow" ? "follow" : "message",
            ["mode"] = "active",
            ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ["source"] = new JsonObject { ["type"] = "user", ["userId"] = user },
            ["webhookEventId"] = "01" + Guid.NewGuid().ToString("N")[..24].ToUpperInvariant(),
            ["deliveryContext"] = new JsonObject { ["isRedelivery"] = false },
            ["replyToken"] = replyToken,
        };
        if (say == "follow") e["follow"] = new JsonObject { ["isUnblocked"] = false };
        else e["message"] = new JsonObject { ["id"] = Random.Shared.NextInt64(1, long.MaxValue).ToString(CultureInfo.InvariantCulture), ["type"] = "text", ["text"] = say, ["quoteToken"] = "q" };
        return Encoding.UTF8.GetBytes(new JsonObject { ["destination"] = "Ubench", ["events"] = new JsonArray(e) }.ToJsonString());
    }

    /// <summary>The Messaging API's reply and push on loopback: notes when each reply token's answer arrives, answers 200.</summary>
    private static async Task<WebApplication> StartMockAsync(int port, ConcurrentDictionary<string, TaskCompletionSource<long>> replies)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapPost("/v2/bot/message/reply", async (HttpContext context) =>
        {
            var at = Stopwatch.GetTimestamp();
            var body = await System.Text.Json.JsonSerializer.DeserializeAsync<JsonObject>(context.Request.Body);
            if ((string?)body?["replyToken"] is { } token && replies.TryGetValue(token, out var waiter)) waiter.TrySetResult(at);
            context.Response.Headers["x-line-request-id"] = Guid.NewGuid().ToString("N");
            return Results.Json(new { sentMessages = Array.Empty<object>() });
        });
        app.MapPost("/v2/bot/message/push", (HttpContext context) =>
        {
            context.Response.Headers["x-line-request-id"] = Guid.NewGuid().ToString("N");
            return Results.Json(new { sentMessages = Array.Empty<object>() });
        });
        app.MapPost("/v2/bot/chat/loading/start", () => Results.Json(new { }));
        await app.StartAsync();
        return app;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace ChatSupport.Benchmarks;

/// <summary>
/// Load on a running host: virtual residents each complete the COVID-19 self-check through POST /api/messages
/// (expectReplies), one turn after another. Closed loop at a concurrency, or open loop at a fixed turn rate.
/// Prints turns/s and the p50/p99 latency of a turn. Only for addresses on this machine.
/// Both the host and this tool first run a warm-up (closed loop, not counted) so that neither is measured while
/// its code is still being compiled.
/// <code>load --url http://127.0.0.1:5090 --concurrency 8 --seconds 20 [--rate 200] [--warmup 5]</code>
/// </summary>
public static class LoadTool
{
    private static readonly string[] Script =
        ["開始", "同意する", "1日前から", "無し", "70", "男性", "無職", "下記いずれも該当なし", "220-0012", "いずれも行っていない"];

    public static async Task<int> RunAsync(string[] args)
    {
        // The last occurrence wins, so a script can override its defaults.
        string Arg(string name, string fallback) => Array.LastIndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
        var url = new Uri(Arg("--url", "http://127.0.0.1:5090"));
        if (!url.IsLoopback) { Console.Error.WriteLine("The load tool only targets this machine (loopback)."); return 2; }
        var concurrency = int.Parse(Arg("--concurrency", "8"), CultureInfo.InvariantCulture);
        var seconds = int.Parse(Arg("--seconds", "20"), CultureInfo.InvariantCulture);
        var rate = double.Parse(Arg("--rate", "0"), CultureInfo.InvariantCulture);
        var warmup = int.Parse(Arg("--warmup", "5"), CultureInfo.InvariantCulture);
        var recording = false;

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        var latencies = new List<double>();
        var errors = 0;
        var conversations = 0;
        var clock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);

        async Task<bool> TurnAsync(string conversation, string text)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                // With a Content-Length, as the Bot Connector and LINE send their requests (not chunked).
                using var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(Activity(conversation, text).ToJsonString()));
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                using var response = await http.PostAsync("/api/messages", content);
                var ok = response.IsSuccessStatusCode;
                if (ok) await response.Content.ReadAsByteArrayAsync();
                if (recording) lock (latencies) latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!ok) Interlocked.Increment(ref errors);
                return ok;
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref errors);
                return false;
            }
        }

        async Task ClosedLoopAsync(int workers, string prefix)
        {
            await Task.WhenAll(Enumerable.Range(0, workers).Select(async worker =>
            {
                for (var n = 0; clock.Elapsed < deadline; n++)
                {
                    var conversation = $"{prefix}-{worker}-{n}-{Guid.NewGuid():N}";
                    foreach (var text in Script)
                        if (clock.Elapsed >= deadline || !await TurnAsync(conversation, text)) break;
                    if (recording) Interlocked.Increment(ref conversations);
                }
            }));
        }

        if (warmup > 0)
        {
            deadline = TimeSpan.FromSeconds(warmup);
            await ClosedLoopAsync(Math.Clamp(concurrency, 1, 8), "warmup");
            if (errors > 0) { Console.Error.WriteLine($"{errors} errors during the warm-up."); return 1; }
            deadline = TimeSpan.FromSeconds(seconds);
            clock.Restart();
        }
        recording = true;

        if (rate <= 0)
        {
            // Closed loop: each worker runs whole conversations back to back.
            await ClosedLoopAsync(concurrency, "load");
        }
        else
        {
            // Open loop: a new turn starts every 1/rate seconds whatever the latency (conversations interleave).
            var pending = new List<Task>();
            var cursors = new Dictionary<string, int>();
            var active = Enumerable.Range(0, Math.Max(1, concurrency)).Select(i => $"rate-{i}-{Guid.NewGuid():N}").ToList();
            var busy = new HashSet<string>();
            var interval = TimeSpan.FromSeconds(1 / rate);
            for (var next = TimeSpan.Zero; next < deadline; next += interval)
            {
                var wait = next - clock.Elapsed;
                if (wait > TimeSpan.Zero) await Task.Delay(wait);
                string? conversation;
                lock (busy) conversation = active.FirstOrDefault(c => !busy.Contains(c));
                if (conversation is null) { conversation = $"rate-x-{Guid.NewGuid():N}"; active.Add(conversation); }
                var step = cursors.GetValueOrDefault(conversation);
                cursors[conversation] = (step + 1) % Script.Length;
                if (step + 1 == Script.Length) Interlocked.Increment(ref conversations);
                lock (busy) busy.Add(conversation);
                var c = conversation;
                pending.Add(Task.Run(async () => { await TurnAsync(c, Script[step]); lock (busy) busy.Remove(c); }));
            }
            await Task.WhenAll(pending);
        }

        var elapsed = clock.Elapsed.TotalSeconds;
        latencies.Sort();
        double P(double q) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mode={(rate > 0 ? $"rate {rate}/s" : $"concurrency {concurrency}")} turns={latencies.Count} conversations={conversations} errors={errors} seconds={elapsed:F1} turns_per_s={latencies.Count / elapsed:F1} p50_ms={P(0.50):F1} p99_ms={P(0.99):F1}"));
        return errors == 0 ? 0 : 1;
    }

    private static JsonObject Activity(string conversation, string text) => new()
    {
        ["type"] = "message",
        ["id"] = Guid.NewGuid().ToString("N"),
        ["channelId"] = "load",
        ["deliveryMode"] = "expectReplies",
        ["from"] = new JsonObject { ["id"] = "resident-" + conversation },
        ["recipient"] = new JsonObject { ["id"] = "bot" },
        ["conversation"] = new JsonObject { ["id"] = conversation },
        ["locale"] = "ja-JP",
        ["text"] = text,
    };
}

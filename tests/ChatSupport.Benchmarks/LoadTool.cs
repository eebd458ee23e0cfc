using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace ChatSupport.Benchmarks;

/// <summary>
/// Load on a running host: virtual residents each complete the COVID-19 self-check through POST /api/messages
/// (expectReplies), one turn after another. Closed loop at a concurrency, or open loop at a fixed turn rate.
/// Prints turns/s and the p50/p99 latency of a turn. Only for addresses on this machine.
/// <code>load --url http://127.0.0.1:5090 --concurrency 8 --seconds 20 [--rate 200]</code>
/// </summary>
public static class LoadTool
{
    private static readonly string[] Script =
        ["開始", "同意する", "1日前から", "無し", "70", "男性", "無職", "下記いずれも該当なし", "220-0012", "いずれも行っていない"];

    public static async Task<int> RunAsync(string[] args)
    {
        string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
        var url = new Uri(Arg("--url", "http://127.0.0.1:5090"));
        if (!url.IsLoopback) { Console.Error.WriteLine("The load tool only targets this machine (loopback)."); return 2; }
        var concurrency = int.Parse(Arg("--concurrency", "8"), CultureInfo.InvariantCulture);
        var seconds = int.Parse(Arg("--seconds", "20"), CultureInfo.InvariantCulture);
        var rate = double.Parse(Arg("--rate", "0"), CultureInfo.InvariantCulture);

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
                using var response = await http.PostAsJsonAsync("/api/messages", Activity(conversation, text));
                var ok = response.IsSuccessStatusCode;
                if (ok) await response.Content.ReadAsByteArrayAsync();
                lock (latencies) latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!ok) Interlocked.Increment(ref errors);
                return ok;
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref errors);
                return false;
            }
        }

        if (rate <= 0)
        {
            // Closed loop: each worker runs whole conversations back to back.
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
            {
                for (var n = 0; clock.Elapsed < deadline; n++)
                {
                    var conversation = $"load-{worker}-{n}-{Guid.NewGuid():N}";
                    foreach (var text in Script)
                        if (clock.Elapsed >= deadline || !await TurnAsync(conversation, text)) break;
                    Interlocked.Increment(ref conversations);
                }
            }));
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

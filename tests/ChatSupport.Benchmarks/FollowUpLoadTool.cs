using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ChatSupport.Benchmarks;

/// <summary>
/// The daily follow-up at scale: N residents due today are written to PostgreSQL, a running ChatSupport worker is asked
/// to plan the day, and a loopback stand-in for LINE's Messaging API receives the multicasts, enforcing a multicast rate
/// limit (429 over it) and the retry-key rule (409 for a key it accepted). Reports the planning time (until every
/// resident is recorded in a batch), the dispatch time and rate against the limit, the worker's peak memory before and
/// after, and whether every resident was delivered exactly once.
/// <code>follow-up-load --db CONN --url http://127.0.0.1:5094 --key K --mock-port 5095 --tenant bench --zone Etc/GMT-3 --residents 1000000 --rate 40 --pid PID</code>
/// </summary>
public static class FollowUpLoadTool
{
    public static async Task<int> RunAsync(string[] args)
    {
        string Arg(string name, string fallback) => Array.LastIndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
        var connection = Arg("--db", "");
        var url = new Uri(Arg("--url", "http://127.0.0.1:5094"));
        var tenant = Arg("--tenant", "bench");
        var residents = int.Parse(Arg("--residents", "1000000"), CultureInfo.InvariantCulture);
        var rate = int.Parse(Arg("--rate", "40"), CultureInfo.InvariantCulture);
        var pid = int.Parse(Arg("--pid", "0"), CultureInfo.InvariantCulture);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Arg("--zone", "Asia/Tokyo"));
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime);

        await SeedAsync(connection, tenant, residents, today);
        var mock = new MockLine(rate, residents);
        await using var app = await mock.StartAsync(int.Parse(Arg("--mock-port", "5095"), CultureInfo.InvariantCulture));
        var idleRss = PeakRss(pid);

        using var http = new HttpClient { BaseAddress = url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Arg("--key", ""));
        // Planned ahead of sending, 90 s from now, as the recurring job plans ahead of the follow-up hour: the batches
        // wait for that time, so planning and sending are measured each on its own.
        var sendAt = DateTimeOffset.UtcNow.AddSeconds(90);
        var started = Stopwatch.GetTimestamp();
        (await http.PostAsync($"/api/staff/follow-ups/plan?tenant={tenant}&sendAt={Uri.EscapeDataString(sendAt.ToString("O"))}", null)).EnsureSuccessStatusCode();

        await using var db = NpgsqlDataSource.Create(connection);
        TimeSpan? planning = null;
        while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromMinutes(30))
        {
            await Task.Delay(250);
            if (planning is null && await CountAsync(db, "SELECT count(*) FROM follow_up_deliveries") >= residents)
            {
                planning = Stopwatch.GetElapsedTime(started);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"planned in {planning.Value.TotalSeconds:F1} s; {mock.Delivered:N0} delivered so far"));
            }
            if (planning is not null && mock.Delivered >= residents) break;
        }
        await Task.Delay(1000); // anything sent twice would arrive now
        var batches = await CountAsync(db, "SELECT count(*) FROM follow_up_batches");
        var sentBatches = await CountAsync(db, "SELECT count(*) FROM follow_up_batches WHERE status = 'sent'");
        var dispatch = mock.Last - mock.First;
        var achieved = (mock.Accepted - 1) / dispatch.TotalSeconds; // requests per second between the first and the last
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"residents due:        {residents:N0} in {batches:N0} batches ({sentBatches:N0} sent)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"planning:             {planning?.TotalSeconds:F1} s   (target < 60 s: {(planning < TimeSpan.FromSeconds(60) ? "met" : "NOT met")})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"dispatch:             {dispatch.TotalSeconds:F1} s, {achieved:F1} multicasts/s of the configured {rate}/s = {achieved / rate:P0}   (target >= 90%: {(achieved >= 0.9 * rate ? "met" : "NOT met")})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"LINE answered:        {mock.Accepted:N0} x 200, {mock.Rejected429:N0} x 429 (over the limit), {mock.Conflicts:N0} x 409 (retry key already accepted)"));
        var (once, twice, never) = mock.Tally();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"deliveries:           {once:N0} exactly once, {twice:N0} more than once, {never:N0} never   (target: all exactly once: {(once == residents ? "met" : "NOT met")})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"worker peak memory:   {idleRss / 1048576.0:F0} MiB before planning, {PeakRss(pid) / 1048576.0:F0} MiB at the end (VmHWM)"));
        return 0;
    }

    private static async Task SeedAsync(string connection, string tenant, int residents, DateOnly today)
    {
        await using var db = NpgsqlDataSource.Create(connection);
        var started = Stopwatch.GetTimestamp();
        await using var command = db.CreateCommand(
            "TRUNCATE residents, follow_up_deliveries, follow_up_batches, message_usage; " +
            "INSERT INTO residents (id, channel_id, channel_user_id, locale, tenant_id, next_follow_up, follow_up_questionnaire, follow_up_source, follow_up_rule, " +
            "follow_up_every_days, follow_ups_stopped, blocked, created_at) " +
            "SELECT md5(g::text) || md5((g + 1)::text), 'line', @tenant || ':U' || lpad(to_hex(g), 32, '0'), 'ja', @tenant, @today, 'covid19-followup', " +
            "'covid19-selfcheck', 'symptomatic-daily', 1, false, false, now() FROM generate_series(0, @n - 1) g; ANALYZE residents;");
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("today", today);
        command.Parameters.AddWithValue("n", residents);
        command.CommandTimeout = 600;
        await command.ExecuteNonQueryAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seeded {residents:N0} residents due {today:yyyy-MM-dd} in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s"));
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>The process's peak resident memory (VmHWM), in bytes.</summary>
    private static long PeakRss(int pid)
    {
        if (pid <= 0) return 0;
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>LINE's multicast endpoint at a fixed rate limit; recipients are U + 32 hex digits of their number.</summary>
    private sealed class MockLine(int rate, int residents)
    {
        private readonly int[] _deliveries = new int[residents];
        private readonly HashSet<string> _keys = [];
        private readonly Lock _gate = new();
        private long _windowSecond;
        private int _inWindow;
        private long _delivered;
        public int Accepted, Rejected429, Conflicts;
        public TimeSpan First = TimeSpan.MaxValue, Last;
        private readonly long _start = Stopwatch.GetTimestamp();

        public long Delivered => Interlocked.Read(ref _delivered);

        public (int Once, int More, int Never) Tally() =>
            (_deliveries.Count(d => d == 1), _deliveries.Count(d => d > 1), _deliveries.Count(d => d == 0));

        public async Task<WebApplication> StartAsync(int port)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            var app = builder.Build();
            app.MapPost("/v2/bot/message/multicast", async (HttpContext context) =>
            {
                context.Response.Headers["x-line-request-id"] = Guid.NewGuid().ToString("N");
                var body = await System.Text.Json.JsonSerializer.DeserializeAsync<JsonObject>(context.Request.Body);
                var key = context.Request.Headers["X-Line-Retry-Key"].ToString();
                var to = body?["to"]?.AsArray();
                if (to is null || to.Count is 0 or > 500 || body?["messages"]?.AsArray().Count is not (>= 1 and <= 5) || !Guid.TryParse(key, out _))
                    return Results.Json(new { message = "The request body has 1 error(s)" }, statusCode: 400);
                lock (_gate)
                {
                    var second = Stopwatch.GetElapsedTime(_start).Ticks / TimeSpan.TicksPerSecond;
                    if (second != _windowSecond) (_windowSecond, _inWindow) = (second, 0);
                    if (++_inWindow > rate)
                    {
                        Rejected429++;
                        context.Response.Headers.RetryAfter = "1";
                        return Results.Json(new { message = "The API rate limit has been exceeded. Try again later." }, statusCode: 429);
                    }
                    if (!_keys.Add(key))
                    {
                        Conflicts++;
                        context.Response.Headers["x-line-accepted-request-id"] = Guid.NewGuid().ToString("N");
                        return Results.Json(new { message = "The retry key is already accepted" }, statusCode: 409);
                    }
                    foreach (var user in to)
                        _deliveries[int.Parse(((string)user!)[1..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)]++;
                    _delivered += to.Count;
                    Accepted++;
                    var now = Stopwatch.GetElapsedTime(_start);
                    if (now < First) First = now;
                    Last = now;
                }
                return Results.Json(new { });
            });
            app.MapGet("/v2/bot/message/quota", () => Results.Json(new { type = "none" }));
            app.MapGet("/v2/bot/message/quota/consumption", () => Results.Json(new { totalUsage = 0 }));
            await app.StartAsync();
            return app;
        }
    }
}

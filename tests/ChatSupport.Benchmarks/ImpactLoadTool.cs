using System.Diagnostics;
using System.Globalization;
using ChatSupport.Channels.Line;
using ChatSupport.Persistence;
using ChatSupport.Questionnaires;
using ChatSupport.Questionnaires.Impact;
using ChatSupport.Tests.Impact;
using ChatSupport.Web.Impact;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace ChatSupport.Benchmarks;

/// <summary>
/// The impact report at scale (issue 14: 100,000 responses replayed in under 10 s): N generated completed responses of
/// 30 days (each resident with up to three earlier responses as history) written with COPY to a migrated PostgreSQL
/// database; then the report (<see cref="ImpactReport"/> from its DI registration: reading, both replays, counting,
/// suppression) over the 30 days, three times after a warm-up, and the replay alone in memory for comparison.
/// </summary>
public static class ImpactLoadTool
{
    private const string Tenant = "bench";
    private const double LimitSeconds = 10;

    public static async Task<int> RunAsync(string[] args)
    {
        string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
        var connectionString = Arg("--db", "");
        var count = int.Parse(Arg("--responses", "100000"), CultureInfo.InvariantCulture);

        var services = new ServiceCollection().AddLogging().AddChatSupportDatabase(new DatabaseConfiguration(DatabaseProvider.Postgres, connectionString));
        services.AddSingleton<TimeProvider>(new FixedClock(new DateTimeOffset(2026, 11, 30, 21, 0, 0, TimeSpan.FromHours(9))));
        services.AddOptions<QuestionnaireBotOptions>();
        services.AddOptions<TenantsOptions>().Configure(t => t[Tenant] = new TenantOptions { TimeZoneId = "Asia/Tokyo" });
        await using var provider = services.AddImpactReport().BuildServiceProvider();
        await provider.GetRequiredService<IDbContextFactory<ChatSupportDbContext>>().MigrateAsync();

        var load = Stopwatch.StartNew();
        var generated = ImpactData.Generate(count, 14).ToList();
        var rows = await CopyAsync(connectionString, generated);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var analyze = new NpgsqlCommand("ANALYZE", connection);
            await analyze.ExecuteNonQueryAsync();
        }
        Console.WriteLine($"Loaded in {load.Elapsed.TotalSeconds:F0} s: {count:N0} completed responses of 30 days from {count:N0} residents, {rows - count:N0} earlier responses as their history.");

        var (before, after) = (ImpactData.Definition(ImpactData.V1), ImpactData.Definition(ImpactData.V2));
        var report = provider.GetRequiredService<ImpactReport>();
        async Task<(double Seconds, ImpactReportResult Result)> Report()
        {
            var watch = Stopwatch.StartNew();
            var result = await report.ComputeAsync(Tenant, ImpactData.QuestionnaireId, before, after, 30, CancellationToken.None);
            return (watch.Elapsed.TotalSeconds, result);
        }
        double Replay()
        {
            var watch = Stopwatch.StartNew();
            var tally = new ImpactTally(before, after);
            foreach (var r in generated) tally.Add(r.Stored);
            ImpactFigures.From(tally, 10);
            return watch.Elapsed.TotalSeconds;
        }

        var warm = await Report();
        Console.WriteLine($"Warm-up: report {warm.Seconds:F2} s, replay in memory {Replay():F2} s");
        var (reports, replays) = (new List<double>(), new List<double>());
        ImpactReportResult? last = null;
        for (var i = 0; i < 3; i++)
        {
            var (seconds, result) = await Report();
            (reports, last) = ([.. reports, seconds], result);
            replays.Add(Replay());
        }
        if (last!.Figures.Responses.Count != count) throw new InvalidOperationException($"Replayed {last.Figures.Responses.Count} responses, expected {count}.");
        var median = reports.Order().ElementAt(1);
        Console.WriteLine();
        Console.WriteLine($"| | run 1 | run 2 | run 3 | median | limit |");
        Console.WriteLine($"|---|---|---|---|---|---|");
        Console.WriteLine($"| impact report, {count:N0} responses (read from PostgreSQL, replayed under both versions, counted, suppressed) | {string.Join(" | ", reports.Select(s => $"{s:F2} s"))} | **{median:F2} s** | {LimitSeconds:F0} s |");
        Console.WriteLine($"| the replay alone, in memory | {string.Join(" | ", replays.Select(s => $"{s:F2} s"))} | {replays.Order().ElementAt(1):F2} s | |");
        Console.WriteLine();
        Console.WriteLine($"Changed: advice {last.Figures.Changed.Advice.Count:N0}, emergency {last.Figures.Changed.Emergency.Count:N0}, escalation {last.Figures.Changed.Escalation.Count:N0}, " +
            $"next follow-up {last.Figures.Changed.FollowUp.Count:N0}, newly required {last.Figures.Changed.NewlyRequired.Count:N0}. " +
            (median < LimitSeconds ? $"Limit met ({median / LimitSeconds:P0} of it)." : "LIMIT NOT MET."));
        return median < LimitSeconds ? 0 : 1;
    }

    private static async Task<long> CopyAsync(string connectionString, List<ImpactData.Generated> generated)
    {
        await using var residentConnection = new NpgsqlConnection(connectionString);
        await using var responseConnection = new NpgsqlConnection(connectionString);
        await residentConnection.OpenAsync();
        await responseConnection.OpenAsync();
        long responses = 0;
        await using (var residents = await residentConnection.BeginBinaryImportAsync("COPY residents (id, channel_id, tenant_id, locale, follow_ups_stopped, blocked, created_at) FROM STDIN (FORMAT BINARY)"))
        await using (var rows = await responseConnection.BeginBinaryImportAsync("COPY responses (id, resident_id, questionnaire_id, questionnaire_version, status, started_at, completed_at, local_date, values_json) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var row in ImpactRows.Rows(generated, Tenant))
                switch (row)
                {
                    case ResidentRow r:
                        await residents.WriteRowAsync(default, r.Id, r.ChannelId, r.TenantId, r.Locale, false, false, r.CreatedAt.UtcDateTime);
                        break;
                    case ResponseRow r:
                        await rows.StartRowAsync();
                        await rows.WriteAsync(r.Id); await rows.WriteAsync(r.ResidentId); await rows.WriteAsync(r.QuestionnaireId);
                        await rows.WriteAsync(r.QuestionnaireVersion); await rows.WriteAsync(r.Status);
                        await rows.WriteAsync(r.StartedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
                        await rows.WriteAsync(r.CompletedAt!.Value.UtcDateTime, NpgsqlDbType.TimestampTz);
                        await rows.WriteAsync(r.LocalDate!.Value, NpgsqlDbType.Date);
                        await rows.WriteAsync(r.ValuesJson!);
                        responses++;
                        break;
                }
            await residents.CompleteAsync();
            await rows.CompleteAsync();
        }
        return responses;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

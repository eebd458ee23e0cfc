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
using ChatSupport.Tenants;

namespace ChatSupport.Benchmarks;

/// <summary>
/// The impact report at scale (issue 14: 100,000 responses replayed in under 10 s): N generated completed responses of
/// 30 days to each of two questionnaires (the tests' small one, and the shipped COVID-19 follow-up with its history
/// rules), each resident with up to three earlier responses as history, written with COPY to a migrated PostgreSQL
/// database; then, per questionnaire, the report (<see cref="ImpactReport"/> from its DI registration: reading, both
/// replays, counting, suppression) over the 30 days, three times after a warm-up, and the replay alone in memory.
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
        var small = ImpactData.Generate(count, 14).ToList();
        var covid = ImpactCovid19.Generate(count, 2020).ToList();
        var history = await CopyAsync(connectionString, ImpactRows.Rows(small, Tenant)) + await CopyAsync(connectionString, ImpactRows.Rows(covid, Tenant)) - 2L * count;
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var analyze = new NpgsqlCommand("ANALYZE", connection);
            await analyze.ExecuteNonQueryAsync();
        }
        Console.WriteLine($"Loaded in {load.Elapsed.TotalSeconds:F0} s: {count:N0} completed responses of 30 days to each of two questionnaires, from {2 * count:N0} residents, " +
            $"with {history:N0} earlier responses as their history.");

        var report = provider.GetRequiredService<ImpactReport>();
        var lines = new List<string>();
        var met = true;
        async Task Case(string name, QuestionnaireDefinition before, QuestionnaireDefinition after, IReadOnlyList<StoredResponse> generated)
        {
            async Task<(double Seconds, ImpactReportResult Result)> Report()
            {
                var watch = Stopwatch.StartNew();
                var result = await report.ComputeAsync(Tenant, before.Id, before, after, 30, CancellationToken.None);
                return (watch.Elapsed.TotalSeconds, result);
            }
            double Replay()
            {
                var watch = Stopwatch.StartNew();
                var tally = new ImpactTally(before, after);
                foreach (var r in generated) tally.Add(r);
                ImpactFigures.From(tally, 10);
                return watch.Elapsed.TotalSeconds;
            }
            var store = provider.GetRequiredService<ChatSupport.Persistence.Reports.ImpactResponseStore>();
            async Task<double> Read()
            {
                var watch = Stopwatch.StartNew();
                var n = 0;
                await foreach (var _ in store.ReadAsync(Tenant, before.Id, ImpactData.FirstDay, ImpactData.FirstDay.AddDays(29), CancellationToken.None)) n++;
                return n == count ? watch.Elapsed.TotalSeconds : throw new InvalidOperationException($"Read {n} responses, expected {count}.");
            }
            var warm = await Report();
            Console.WriteLine($"{name}: warm-up report {warm.Seconds:F2} s, replay in memory {Replay():F2} s, reading alone {await Read():F2} s");
            var (reports, replays, reads) = (new List<double>(), new List<double>(), new List<double>());
            ImpactReportResult? last = null;
            for (var i = 0; i < 3; i++)
            {
                var (seconds, result) = await Report();
                (reports, last) = ([.. reports, seconds], result);
                replays.Add(Replay());
                reads.Add(await Read());
            }
            if (last!.Figures.Responses.Count != count) throw new InvalidOperationException($"Replayed {last.Figures.Responses.Count} responses, expected {count}.");
            var median = reports.Order().ElementAt(1);
            met &= median < LimitSeconds;
            var changed = last.Figures.Changed;
            lines.Add($"| {name}: report (read from PostgreSQL, replayed under both versions, counted, suppressed) | {string.Join(" | ", reports.Select(s => $"{s:F2} s"))} | **{median:F2} s** | {LimitSeconds:F0} s |");
            lines.Add($"| {name}: the reading alone | {string.Join(" | ", reads.Select(s => $"{s:F2} s"))} | {reads.Order().ElementAt(1):F2} s | |");
            lines.Add($"| {name}: the replay alone, in memory | {string.Join(" | ", replays.Select(s => $"{s:F2} s"))} | {replays.Order().ElementAt(1):F2} s | |");
            Console.WriteLine($"{name}: changed advice {changed.Advice.Count:N0}, emergency {changed.Emergency.Count:N0}, escalation {changed.Escalation.Count:N0}, " +
                $"next follow-up {changed.FollowUp.Count:N0}, newly required {changed.NewlyRequired.Count:N0}");
        }

        await Case($"{ImpactData.QuestionnaireId}, {count:N0} responses", ImpactData.Definition(ImpactData.V1), ImpactData.Definition(ImpactData.V2), [.. small.Select(r => r.Stored)]);
        var shipped = File.ReadAllText(Path.Combine("dialogs", "covid19-followup.yaml"));
        await Case($"{ImpactCovid19.QuestionnaireId}, {count:N0} responses", FollowUp(shipped), FollowUp(ImpactCovid19.Candidate(shipped)), [.. covid.Select(r => r.Stored)]);

        Console.WriteLine();
        Console.WriteLine("| | run 1 | run 2 | run 3 | median | limit |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var line in lines) Console.WriteLine(line);
        Console.WriteLine();
        Console.WriteLine(met ? "Limit met." : "LIMIT NOT MET.");
        return met ? 0 : 1;
    }

    /// <summary>The follow-up as a version of it is loaded: its file with the area table it names, in a folder of its own.</summary>
    private static QuestionnaireDefinition FollowUp(string yaml)
    {
        var folder = Path.Combine(Path.GetTempPath(), "chatsupport-impact-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(folder, "areas"));
        try
        {
            File.Copy(Path.Combine("dialogs", "areas", "covid19-consultation.csv"), Path.Combine(folder, "areas", "covid19-consultation.csv"));
            File.WriteAllText(Path.Combine(folder, "covid19-followup.yaml"), yaml);
            return QuestionnaireCatalog.Load(folder).Get(ImpactCovid19.QuestionnaireId);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<long> CopyAsync(string connectionString, IEnumerable<object> generatedRows)
    {
        await using var residentConnection = new NpgsqlConnection(connectionString);
        await using var responseConnection = new NpgsqlConnection(connectionString);
        await residentConnection.OpenAsync();
        await responseConnection.OpenAsync();
        long responses = 0;
        await using (var residents = await residentConnection.BeginBinaryImportAsync("COPY residents (id, channel_id, tenant_id, locale, follow_ups_stopped, blocked, created_at) FROM STDIN (FORMAT BINARY)"))
        await using (var rows = await responseConnection.BeginBinaryImportAsync("COPY responses (id, resident_id, questionnaire_id, questionnaire_version, status, started_at, completed_at, local_date, values_json) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var row in generatedRows)
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

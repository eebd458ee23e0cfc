using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ChatSupport.Persistence;
using ChatSupport.Persistence.Reports;
using ChatSupport.Reports;
using ChatSupport.Tests.Reports;
using ChatSupport.Web.Reports;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace ChatSupport.IntegrationTests.Reports;

/// <summary>
/// The daily aggregation and the reports on generated data: figures against independent SQL, re-runs and backfills,
/// versions, small-cell suppression, the API's formats and roles, the open data, and SQLite giving PostgreSQL's figures.
/// </summary>
public sealed class DailyFiguresTests
{
    private const string Tenant = "kanagawa";
    private static readonly DateOnly First = new(2026, 11, 1);

    /// <summary>Common areas first, rare ones last: 箱根町 and the spanning 〒258-0000 get few residents; 1000001 is outside the table.</summary>
    private static readonly string[] Postal = ["2200004", "2100004", "2520104", "2510004", "2540004", "2470055", "2430004", "2500315", "2580000", "1000001"];

    private static ReportDataSpec Spec(int days = 3, DateOnly? newVersionFrom = null) =>
        new() { Tenant = Tenant, FirstDay = First, Days = days, ResidentsPerDay = 260, PostalCodes = Postal, NewVersionFrom = newVersionFrom };

    private static Dictionary<string, string> Settings => new()
    {
        [$"Tenants:{Tenant}:TimeZoneId"] = "Asia/Tokyo",
        [$"Tenants:{Tenant}:Reports:AreaTable"] = "areas/kanagawa-postal-codes.csv",
        [$"Tenants:{Tenant}:Reports:HealthAreaTable"] = "areas/kanagawa-health-areas.csv",
    };

    private static async Task<(TestDatabase Db, WebHost Host)> StartAsync(string provider, ReportDataSpec spec)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var host = new WebHost(database, settings: Settings);
        _ = host.Server;
        await using (var db = database.Open()) await ReportDataGenerator.WriteAsync(db, ReportDataGenerator.Stream(spec));
        return (database, host);
    }

    private static async Task AggregateAsync(WebHost host, ReportDataSpec spec)
    {
        var job = host.Services.GetRequiredService<AggregateDailyJob>();
        for (var d = 0; d < spec.Days; d++) await job.RunAsync(Tenant, ReportDataGenerator.Day(spec.FirstDay.AddDays(d)), CancellationToken.None);
    }

    private static async Task<List<DailyFigureRow>> FiguresAsync(TestDatabase database)
    {
        await using var db = database.Open();
        var rows = await db.DailyFigures.AsNoTracking().ToListAsync();
        // Ordered here, byte by byte: the two databases collate text differently.
        return [.. rows.OrderBy(f => f.LocalDate).ThenBy(f => f.QuestionnaireId, StringComparer.Ordinal).ThenBy(f => f.QuestionnaireVersion, StringComparer.Ordinal)
            .ThenBy(f => f.Dimension, StringComparer.Ordinal).ThenBy(f => f.GroupKey, StringComparer.Ordinal).ThenBy(f => f.Measure, StringComparer.Ordinal).ThenBy(f => f.Item, StringComparer.Ordinal)];
    }

    private static long? Count(List<DailyFigureRow> rows, DateOnly day, string dimension, string group, string measure, string item = "", string questionnaire = "covid19-selfcheck") =>
        rows.SingleOrDefault(r => r.LocalDate == day && r.QuestionnaireId == questionnaire && r.Dimension == dimension && r.GroupKey == group && r.Measure == measure && r.Item == item)?.Count;

    private static async Task<List<(string Key, long N)>> SqlAsync(TestDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 300 };
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, long)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetInt64(1)));
        return rows;
    }

    /// <summary>The day's latest completed self-check per resident, with its area from the table: written here, independently of the job's SQL.</summary>
    private const string Latest = """
        WITH latest AS MATERIALIZED (
          SELECT DISTINCT ON (r.resident_id) r.id, r.resident_id, r.values_json
          FROM responses r
          WHERE r.questionnaire_id = 'covid19-selfcheck' AND r.status IN ('completed', 'emergency')
            AND (r.completed_at AT TIME ZONE 'Asia/Tokyo')::date = DATE '2026-11-02'
          ORDER BY r.resident_id, r.completed_at DESC),
        postal AS MATERIALIZED (
          SELECT DISTINCT ON (a.resident_id) a.resident_id, a.value_text AS code
          FROM answers a WHERE a.question_id = 'postal_code' AND a.value_text IS NOT NULL
            AND a.answered_at < TIMESTAMPTZ '2026-11-03 00:00:00+09'
          ORDER BY a.resident_id, a.answered_at DESC),
        area AS MATERIALIZED (
          SELECT p.resident_id, COALESCE(
            (SELECT m.area FROM report_areas m WHERE m.tenant_id = 'kanagawa' AND m.key IN (p.code, left(p.code, 6), left(p.code, 5), left(p.code, 4), left(p.code, 3))
             ORDER BY length(m.key) DESC LIMIT 1), 'other') AS name
          FROM postal p)
        """;

    [Fact]
    public async Task Figures_MatchIndependentSql_OnPostgres()
    {
        var spec = Spec();
        var (database, host) = await StartAsync("postgres", spec);
        await using var _ = database;
        using var __ = host;
        await AggregateAsync(host, spec);
        var rows = await FiguresAsync(database);
        var day = First.AddDays(1);

        // Completed by area.
        var completedByArea = await SqlAsync(database, Latest + """
            SELECT COALESCE(area.name, 'unknown'), COUNT(*) FROM latest LEFT JOIN area ON area.resident_id = latest.resident_id GROUP BY 1
            """);
        Assert.True(completedByArea.Count >= 8, "the generated day should span the areas");
        foreach (var (area, n) in completedByArea) Assert.Equal(n, Count(rows, day, "area", area, "completed"));
        Assert.Equal(completedByArea.Sum(a => a.N), Count(rows, day, "all", "", "completed"));
        // The spanning code is its own group, never one of its towns; a code outside the table is 'other'.
        Assert.Contains(rows, r => r.LocalDate == day && r.Dimension == "area" && r.GroupKey == "〒258-0000（複数の市町村）");
        Assert.Contains(rows, r => r.LocalDate == day && r.Dimension == "area" && r.GroupKey == "other");

        // Multiple choice counts each option.
        var behaviours = await SqlAsync(database, Latest + """
            SELECT e, COUNT(*) FROM latest JOIN answers a ON a.response_id = latest.id AND a.question_id = 'behaviours',
              jsonb_array_elements_text(a.value_list::jsonb) e GROUP BY e
            """);
        foreach (var (option, n) in behaviours) Assert.Equal(n, Count(rows, day, "all", "", "choice:behaviours", option));

        // Single choice by age band.
        var feverByBand = await SqlAsync(database, Latest + """
            , age AS (SELECT DISTINCT ON (a.resident_id) a.resident_id, a.value_number AS years FROM answers a
                      WHERE a.question_id = 'age' AND a.value_number IS NOT NULL AND a.answered_at < TIMESTAMPTZ '2026-11-03 00:00:00+09'
                      ORDER BY a.resident_id, a.answered_at DESC)
            SELECT COALESCE(CASE WHEN age.years >= 90 THEN '90+' ELSE (floor(age.years / 10) * 10)::int || '-' || ((floor(age.years / 10) * 10)::int + 9) END, 'unknown')
                   || '/' || a.value_text, COUNT(*)
            FROM latest JOIN answers a ON a.response_id = latest.id AND a.question_id = 'fever' LEFT JOIN age ON age.resident_id = latest.resident_id GROUP BY 1
            """);
        foreach (var (key, n) in feverByBand)
            Assert.Equal(n, Count(rows, day, "age_band", key.Split('/')[0], "choice:fever", key.Split('/')[1]));

        // Symptomatic, as the questionnaire defines it (its computed value at completion).
        var symptomatic = await SqlAsync(database, Latest + "SELECT 'all', COUNT(*) FROM latest WHERE (latest.values_json::jsonb ->> 'symptomatic') = 'true'");
        Assert.Equal(symptomatic[0].N, Count(rows, day, "all", "", "symptomatic"));

        // The median age, as percentile_cont computes it.
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(Latest + """
                SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY a.value_number), percentile_cont(0.25) WITHIN GROUP (ORDER BY a.value_number), AVG(a.value_number)::float8
                FROM latest JOIN answers a ON a.response_id = latest.id AND a.question_id = 'age' WHERE a.value_number IS NOT NULL
                """, connection);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            var all = rows.Where(r => r.LocalDate == day && r.Dimension == "all" && r.Measure == "number:age").ToDictionary(r => r.Item);
            Assert.Equal(reader.GetDouble(0), all["median"].Value!.Value, 6);
            Assert.Equal(reader.GetDouble(1), all["q1"].Value!.Value, 6);
            Assert.Equal(reader.GetDouble(2), all["mean"].Value!.Value, 6);
        }

        // Drop-off: responses begun that day and not completed, by the last question answered.
        var dropped = await SqlAsync(database, """
            SELECT COALESCE((SELECT a.question_id FROM answers a WHERE a.response_id = r.id ORDER BY a.answered_at DESC LIMIT 1), '(none)'), COUNT(*)
            FROM responses r WHERE r.questionnaire_id = 'covid19-selfcheck' AND r.status IN ('in_progress', 'abandoned')
              AND (r.started_at AT TIME ZONE 'Asia/Tokyo')::date = DATE '2026-11-02' GROUP BY 1
            """);
        Assert.NotEmpty(dropped);
        foreach (var (question, n) in dropped) Assert.Equal(n, Count(rows, day, "all", "", "dropped_after", question));

        // Follow-ups: sent, answered the same day after the invitation.
        var followUps = await SqlAsync(database, """
            SELECT 'sent', COUNT(DISTINCT d.resident_id) FROM follow_up_deliveries d JOIN follow_up_batches b ON b.id = d.batch_id WHERE b.local_date = DATE '2026-11-02'
            UNION ALL
            SELECT 'answered', COUNT(DISTINCT d.resident_id) FROM follow_up_deliveries d JOIN follow_up_batches b ON b.id = d.batch_id
              JOIN responses r ON r.resident_id = d.resident_id AND r.questionnaire_id = 'covid19-followup' AND r.completed_at >= b.sent_at
               AND (r.completed_at AT TIME ZONE 'Asia/Tokyo')::date = DATE '2026-11-02'
             WHERE b.local_date = DATE '2026-11-02'
            """);
        Assert.Equal(followUps[0].N, Count(rows, day, "all", "", "follow_ups_sent", questionnaire: "covid19-followup"));
        Assert.Equal(followUps[1].N, Count(rows, day, "all", "", "follow_ups_answered", questionnaire: "covid19-followup"));
        Assert.True(followUps[1].N > 0 && followUps[1].N < followUps[0].N);

        // Health-centre areas: Fujisawa runs its own; 箱根町 is Odawara's office.
        Assert.Contains(rows, r => r.LocalDate == day && r.Dimension == "health_area" && r.GroupKey == "小田原保健福祉事務所");
        Assert.Contains(rows, r => r.LocalDate == day && r.Dimension == "health_area" && r.GroupKey == "藤沢市");
    }

    /// <summary>
    /// Which counts are hidden must not depend on the order the day's counts are read back in (a rerun reads them after
    /// a delete and an insert, whose rows PostgreSQL may put elsewhere): reruns and backfills must give the same cells.
    /// </summary>
    [Fact]
    public async Task TheCountsHidden_DoNotDependOnTheOrderTheyAreReadIn()
    {
        var spec = Spec(days: 4, newVersionFrom: First.AddDays(2));
        var (database, host) = await StartAsync("postgres", spec);
        await using var _ = database;
        using var __ = host;
        await AggregateAsync(host, spec);
        List<(string, string, string, string)> cells;
        await using (var db = database.Open())
            cells = [.. (await db.ReportAreas.Where(a => a.TenantId == Tenant).Select(a => new { a.Area, a.HealthArea }).Distinct().ToListAsync())
                .Select(a => (a.Area, a.HealthArea, "unknown", "unknown"))];
        var random = new Random(20261205);
        foreach (var day in (await FiguresAsync(database)).Where(f => f.Count is not null).GroupBy(f => f.LocalDate))
        {
            var counts = day.Select(f => (Key: new FigureKey(f.QuestionnaireId, f.QuestionnaireVersion, f.Dimension, f.GroupKey, f.Measure, f.Item), N: f.Count!.Value)).ToList();
            List<string> Hide(IEnumerable<(FigureKey Key, long N)> order) =>
                [.. FigureSuppression.Hide(order.ToDictionary(c => c.Key, c => c.N), 10, FigureSuppression.NestingsOf(cells)).Select(k => k.ToString()).Order(StringComparer.Ordinal)];
            var expected = Hide(counts);
            Assert.NotEmpty(expected);
            for (var i = 0; i < 8; i++)
                Assert.Equal(expected, Hide(counts.OrderBy(_ => random.Next())));
        }
    }

    [Fact]
    public async Task Rerun_AndBackfill_GiveIdenticalRows_AndAVersionChangeSplitsTheFigures()
    {
        var spec = Spec(days: 4, newVersionFrom: First.AddDays(2));
        var (database, host) = await StartAsync("postgres", spec);
        await using var _ = database;
        using var __ = host;
        await AggregateAsync(host, spec);
        var first = await FiguresAsync(database);
        Assert.NotEmpty(first);

        // Again: identical. And two runs of one day at once (a backfill beside the nightly job) take turns: identical too.
        await AggregateAsync(host, spec);
        AssertSameRows(first, await FiguresAsync(database));
        var aggregation = host.Services.GetRequiredService<AggregateDailyJob>();
        await Task.WhenAll(aggregation.RunAsync(Tenant, "2026-11-02", CancellationToken.None), aggregation.RunAsync(Tenant, "2026-11-02", CancellationToken.None),
            aggregation.RunAsync(Tenant, "2026-11-03", CancellationToken.None));
        AssertSameRows(first, await FiguresAsync(database));

        // A backfill through the staff endpoint enqueues a job per day; run as a worker would, identical again.
        await using (var db = database.Open()) await db.DailyFigures.Where(f => f.LocalDate == First.AddDays(1)).ExecuteDeleteAsync();
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", WebHost.StaffKey);
        var response = await client.PostAsJsonAsync("/api/staff/reports/backfill", new { tenant = Tenant, from = "2026-11-01", to = "2026-11-04" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var ids = (await response.Content.ReadFromJsonAsync<JsonObject>())!["jobs"]!.AsArray().Select(j => (string)j!).ToList();
        Assert.Equal(4, ids.Count);
        using (var connection = host.Services.GetRequiredService<JobStorage>().GetConnection())
            foreach (var id in ids)
            {
                var job = connection.GetJobData(id)!.Job;
                Assert.Equal(nameof(AggregateDailyJob.RunAsync), job.Method.Name);
                await host.Services.GetRequiredService<AggregateDailyJob>().RunAsync((string)job.Args[0], (string)job.Args[1], CancellationToken.None);
            }
        AssertSameRows(first, await FiguresAsync(database));

        // The new version's figures are apart from the old one's, and the report notes the change.
        Assert.All(first.Where(f => f.QuestionnaireId == "covid19-selfcheck" && f.LocalDate < First.AddDays(2)), f => Assert.Equal("2020-03.1", f.QuestionnaireVersion));
        Assert.All(first.Where(f => f.QuestionnaireId == "covid19-selfcheck" && f.LocalDate >= First.AddDays(2) && f.Measure == "started"), f => Assert.Equal("2020-04", f.QuestionnaireVersion));
        // A follow-up policy that changed on the 3rd (as ChatSupport records each policy it loads, with when it first saw it).
        await using (var db = database.Open())
        {
            Assert.Contains(await db.QuestionnaireRevisions.Select(r => r.QuestionnaireId).ToListAsync(), id => id == "covid19-selfcheck"); // recorded at start
            db.QuestionnaireRevisions.AddRange(
                new QuestionnaireRevisionRow { QuestionnaireId = "covid19-selfcheck", Version = "2020-03.1", PolicyHash = "a", FirstSeenAt = new DateTimeOffset(2026, 10, 1, 9, 0, 0, TimeSpan.FromHours(9)) },
                new QuestionnaireRevisionRow { QuestionnaireId = "covid19-selfcheck", Version = "2020-03.1", PolicyHash = "b", FirstSeenAt = new DateTimeOffset(2026, 11, 3, 0, 30, 0, TimeSpan.FromHours(9)) });
            await db.SaveChangesAsync();
        }
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", WebHost.OfficialKey);
        var report = await client.GetFromJsonAsync<JsonObject>($"/api/reports/daily?tenant={Tenant}&questionnaire=covid19-selfcheck&from=2026-11-01&to=2026-11-04");
        var note = Assert.Single(report!["notes"]!.AsArray(), n => (string)n!["kind"]! == "version");
        Assert.Equal("2026-11-03", (string)note!["date"]!);
        Assert.Contains("2020-04", (string)note["text"]!);
        var policy = Assert.Single(report["notes"]!.AsArray(), n => (string)n!["kind"]! == "policy");
        Assert.Equal("2026-11-03", (string)policy!["date"]!);
        // The rows of both versions are there, apart.
        var versions = report["rows"]!.AsArray().Where(r => (string)r!["measure"]! == "completed").Select(r => ((string)r!["date"]!, (string)r["version"]!)).ToList();
        Assert.Contains(("2026-11-02", "2020-03.1"), versions);
        Assert.Contains(("2026-11-03", "2020-04"), versions);
        Assert.DoesNotContain(("2026-11-03", "2020-03.1"), versions);
    }

    /// <summary>Whether a vector is a linear combination of others (Gaussian elimination, written here for the attacker).</summary>
    private static bool InSpan(List<double[]> basis, double[] target)
    {
        static int Rank(List<double[]> vectors)
        {
            var m = vectors.Select(v => (double[])v.Clone()).ToList();
            var rank = 0;
            for (var col = 0; col < (m.Count == 0 ? 0 : m[0].Length) && rank < m.Count; col++)
            {
                var pivot = m.Skip(rank).Select((row, i) => (row, i: i + rank)).OrderByDescending(x => Math.Abs(x.row[col])).First().i;
                if (Math.Abs(m[pivot][col]) < 1e-9) continue;
                (m[rank], m[pivot]) = (m[pivot], m[rank]);
                for (var i = 0; i < m.Count; i++)
                    if (i != rank)
                    {
                        var f = m[i][col] / m[rank][col];
                        for (var j = 0; j < m[i].Length; j++) m[i][j] -= f * m[rank][j];
                    }
                rank++;
            }
            return rank;
        }
        return Rank(basis) == Rank([.. basis, target]);
    }

    /// <summary>Equal snapshots, or the rows that differ in full (a list assertion cuts the long lines where they differ).</summary>
    private static void AssertSameRows(List<DailyFigureRow> expected, List<DailyFigureRow> actual)
    {
        var (a, b) = (Snapshot(expected), Snapshot(actual));
        if (a.SequenceEqual(b)) return;
        var missing = a.Except(b).Take(5).Select(l => "- " + l);
        var extra = b.Except(a).Take(5).Select(l => "+ " + l);
        Assert.Fail($"{a.Count} rows before, {b.Count} after; differing rows:\n{string.Join('\n', missing.Concat(extra))}");
    }

    private static List<string> Snapshot(List<DailyFigureRow> rows) =>
        [.. rows.Select(r => string.Join('|', r.TenantId, r.QuestionnaireId, r.QuestionnaireVersion, r.LocalDate, r.Dimension, r.GroupKey, r.Measure, r.Item,
            r.Count, r.Value?.ToString("R", CultureInfo.InvariantCulture), r.N, r.Suppressed, r.K))];

    [Fact]
    public async Task Suppression_HidesSmallCounts_AndNoHiddenCountFollowsFromThePublishedTotals()
    {
        var spec = Spec(days: 2);
        var (database, host) = await StartAsync("postgres", spec);
        await using var _ = database;
        using var __ = host;
        await AggregateAsync(host, spec);
        var rows = await FiguresAsync(database);
        Assert.Contains(rows, r => r.Suppressed && r.Count is > 0 and < 10);
        // Complementary suppression happened: some hidden counts are 10 or more.
        Assert.Contains(rows, r => r.Suppressed && r.Count >= 10);

        // As an attacker: every published table (groups × items with the overall row as totals) is tried against the algebra.
        var tables = 0;
        var overall = rows.Where(r => r.Count is not null && r.Dimension == "all").ToLookup(r => (r.LocalDate, r.QuestionnaireId, r.QuestionnaireVersion, r.Measure));
        foreach (var table in rows.Where(r => r.Count is not null && r.Dimension != "all").GroupBy(r => (r.LocalDate, r.QuestionnaireId, r.QuestionnaireVersion, r.Dimension, r.Measure)))
        {
            var totals = overall[(table.Key.LocalDate, table.Key.QuestionnaireId, table.Key.QuestionnaireVersion, table.Key.Measure)].ToList();
            var groups = table.Select(r => r.GroupKey).Distinct().Order(StringComparer.Ordinal).ToList();
            var items = totals.Select(r => r.Item).Distinct().Order(StringComparer.Ordinal).ToList();
            var cells = new long[groups.Count, items.Count];
            var hidden = new bool[groups.Count + 1, items.Count + 1];
            foreach (var r in table)
            {
                var (g, i) = (groups.IndexOf(r.GroupKey), items.IndexOf(r.Item));
                (cells[g, i], hidden[g, i]) = (r.Count!.Value, r.Suppressed);
            }
            foreach (var t in totals) hidden[groups.Count, items.IndexOf(t.Item)] = t.Suppressed;
            var published = SmallCellSuppression.WithTotals(cells);
            // Row totals are not published by the API: count them as published only where every cell of the row is shown.
            for (var g = 0; g < groups.Count; g++) hidden[g, items.Count] = Enumerable.Range(0, items.Count).Any(i => hidden[g, i]);
            hidden[groups.Count, items.Count] = Enumerable.Range(0, items.Count).Any(i => hidden[groups.Count, i]);
            var recoverable = SmallCellSuppression.Recoverable(published, hidden);
            Assert.True(recoverable is null, $"{table.Key}: the count at {recoverable} ({(recoverable is { } rc && rc.Row < groups.Count ? groups[rc.Row] : "total")}, {(recoverable is { } rc2 && rc2.Column < items.Count ? items[rc2.Column] : "total")}) follows from what is published");
            tables++;
        }
        Assert.True(tables > 50);
        // Nor by difference: a part shown with its whole never leaves fewer than k (and more than none) as the rest.
        var byKey = rows.Where(r => r.Item == "").ToDictionary(r => (r.LocalDate, r.QuestionnaireId, r.QuestionnaireVersion, r.Dimension, r.GroupKey, r.Measure));
        foreach (var (whole, part) in FigureSuppression.Parts)
            foreach (var w in rows.Where(r => r.Measure == whole && r.Count is not null && !r.Suppressed))
                if (byKey.GetValueOrDefault((w.LocalDate, w.QuestionnaireId, w.QuestionnaireVersion, w.Dimension, w.GroupKey, part)) is { Suppressed: false } shown)
                    Assert.True(w.Count - shown.Count is 0 or >= 10, $"{whole} {w.Count} − {part} {shown.Count} in {w.Dimension}/{w.GroupKey} on {w.LocalDate}");

        // Jointly, as an attacker who knows how residents fall into the finest cells (area × health-centre area × age band
        // × elderly, from SQL written here): no hidden count of residents who completed is a sum of shown counts of any dimension.
        var finest = await SqlAsync(database, Latest + """
            , health AS MATERIALIZED (
              SELECT p.resident_id, COALESCE((SELECT m.health_area FROM report_areas m WHERE m.tenant_id = 'kanagawa'
                AND m.key IN (p.code, left(p.code, 6), left(p.code, 5), left(p.code, 4), left(p.code, 3)) ORDER BY length(m.key) DESC LIMIT 1), 'other') AS name
              FROM postal p),
            age AS MATERIALIZED (SELECT DISTINCT ON (a.resident_id) a.resident_id, a.value_number AS years FROM answers a
                    WHERE a.question_id = 'age' AND a.value_number IS NOT NULL AND a.answered_at < TIMESTAMPTZ '2026-11-03 00:00:00+09'
                    ORDER BY a.resident_id, a.answered_at DESC)
            SELECT COALESCE(area.name, 'unknown') || '|' || COALESCE(health.name, 'unknown') || '|' ||
                   COALESCE(CASE WHEN age.years >= 90 THEN '90+' ELSE (floor(age.years / 10) * 10)::int || '-' || ((floor(age.years / 10) * 10)::int + 9) END, 'unknown') || '|' ||
                   CASE WHEN age.years IS NULL THEN 'unknown' WHEN age.years >= 65 THEN '65+' ELSE '0-64' END, COUNT(*)
            FROM latest LEFT JOIN area USING (resident_id) LEFT JOIN health USING (resident_id) LEFT JOIN age USING (resident_id) GROUP BY 1
            """);
        var day2 = rows.Where(r => r.LocalDate == First.AddDays(1) && r.QuestionnaireId == "covid19-selfcheck" && r.Measure == "completed").ToList();
        Assert.Equal(finest.Sum(c => c.N), day2.Single(r => r.Dimension == "all").Count);
        string Coordinate(string cell, string dimension) => dimension switch
        {
            "area" => cell.Split('|')[0], "health_area" => cell.Split('|')[1], "age_band" => cell.Split('|')[2], "elderly" => cell.Split('|')[3], _ => "",
        };
        double[] Vector(DailyFigureRow figure) => [.. finest.Select(c => Coordinate(c.Key, figure.Dimension) == figure.GroupKey ? 1.0 : 0.0)];
        var shownVectors = day2.Where(r => !r.Suppressed).Select(Vector).ToList();
        foreach (var figure in day2)
            Assert.Equal(figure.Count, finest.Where(c => Coordinate(c.Key, figure.Dimension) == figure.GroupKey).Sum(c => c.N)); // the cells are right
        Assert.Contains(day2, r => r.Suppressed);
        foreach (var hiddenFigure in day2.Where(r => r.Suppressed))
            Assert.False(InSpan(shownVectors, Vector(hiddenFigure)), $"completed in {hiddenFigure.Dimension}/{hiddenFigure.GroupKey} ({hiddenFigure.Count}) follows from the shown counts");

        // Through the API: a suppressed count has no number, and no share rests on one.
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", WebHost.OfficialKey);
        var report = await client.GetFromJsonAsync<JsonObject>($"/api/reports/daily?tenant={Tenant}&from=2026-11-01&to=2026-11-02&groupBy=area");
        var reported = report!["rows"]!.AsArray();
        Assert.Contains(reported, r => (bool)r!["suppressed"]!);
        foreach (var r in reported)
        {
            if ((bool)r!["suppressed"]!) { Assert.Null(r["count"]); Assert.Null(r["value"]); }
            else if (r["count"] is { } count) Assert.True((long)count == 0 || (long)count >= 10, $"{r.ToJsonString()} is a small count shown");
        }
        // A share of a suppressed 'completed' is not shown either.
        var hiddenCompleted = reported.Where(r => (string)r!["measure"]! == "completed" && (bool)r["suppressed"]!).Select(r => ((string)r!["date"]!, (string)r["version"]!, (string)r["group"]!)).ToHashSet();
        Assert.All(reported.Where(r => (string)r!["measure"]! == "symptomatic" && hiddenCompleted.Contains(((string)r["date"]!, (string)r["version"]!, (string)r["group"]!))),
            r => Assert.Null(r!["value"]));
    }

    [Fact]
    public async Task ReportsApi_Formats_Roles_Publishing_OpenData_AndAudit()
    {
        var spec = Spec(days: 3);
        var (database, host) = await StartAsync("postgres", spec);
        await using var _ = database;
        using var __ = host;
        await AggregateAsync(host, spec);
        using var client = host.CreateClient();
        var url = $"/api/reports/daily?tenant={Tenant}&questionnaire=covid19-selfcheck&from=2026-11-01&to=2026-11-03&groupBy=area";

        // Roles: no key 401; staff 403; an official of another tenant 403; an official 200.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Get(client, url, WebHost.StaffKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Get(client, url, WebHost.OtherTenantOfficialKey)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Get(client, url, WebHost.OfficialKey)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Get(client, url + "&format=xlsx", WebHost.OfficialKey)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Get(client, $"/api/reports/daily?tenant={Tenant}&from=2026-11-03&to=2026-11-01", WebHost.OfficialKey)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Get(client, $"/api/reports/daily?tenant={Tenant}&from=0001-01-01&to=0001-01-02&format=png", WebHost.OfficialKey)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Get(client, $"/api/reports/daily?tenant={Tenant}&from=2025-01-01&to=2026-11-03", WebHost.OfficialKey)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Get(client, $"/api/reports/daily?tenant={Tenant}&groupBy=ward", WebHost.OfficialKey)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Get(client, "/api/reports/daily?tenant=nowhere", WebHost.OfficialKey)).StatusCode);

        // A note whose text would be a formula in Excel, and an uploaded series of confirmed cases.
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", WebHost.OfficialKey);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/reports/annotations",
            new { tenant = Tenant, questionnaire = "covid19-selfcheck", date = "2026-11-02", text = "=HYPERLINK(\"http://x\")対象者の変更", kind = "cohort" })).StatusCode);
        var csvSeries = new StringContent("\uFEFF日付,陽性患者数\r\n2026-11-01,120\r\n2026-11-02,135\r\n2026/11/3,150\r\n", Encoding.UTF8, "text/csv");
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync($"/api/reports/series/{Tenant}/confirmed-cases", csvSeries)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PutAsync($"/api/reports/series/{Tenant}/bad", new StringContent("2026-11-01,many\n", Encoding.UTF8, "text/csv"))).StatusCode);

        // CSV for Excel: BOM, Japanese headers, the note escaped, suppressed cells marked and empty.
        var csv = await client.GetByteArrayAsync(url + "&format=csv&lang=ja");
        Assert.Equal([0xEF, 0xBB, 0xBF], csv[..3]);
        var text = Encoding.UTF8.GetString(csv[3..]);
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("日付,質問票の版,集計の軸,区分,指標,項目,項目名,人数,値,観測数,秘匿,注記", lines[0]);
        Assert.Contains(lines, l => l.Contains("'=HYPERLINK", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(",=HYPERLINK", StringComparison.Ordinal) || l.Contains("\"=HYPERLINK", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(",秘匿,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(",choice:fever,day4plus,4日以上前から,", StringComparison.Ordinal));

        // Charts: PNG, with the series on the symptomatic share.
        foreach (var chart in new[] { "symptomatic&series=confirmed-cases", "choices&measure=choice:behaviours", "response-rate" })
        {
            var png = await client.GetAsync($"/api/reports/daily?tenant={Tenant}&questionnaire={(chart == "response-rate" ? "covid19-followup" : "covid19-selfcheck")}&from=2026-11-01&to=2026-11-03&groupBy=area&format=png&chart={chart}");
            Assert.Equal(HttpStatusCode.OK, png.StatusCode);
            Assert.Equal("image/png", png.Content.Headers.ContentType!.MediaType);
            var bytes = await png.Content.ReadAsByteArrayAsync();
            Assert.Equal([0x89, 0x50, 0x4E, 0x47], bytes[..4]);
            Assert.True(bytes.Length > 10_000, $"{chart}: {bytes.Length} bytes");
            // To look at them: CHATSUPPORT_SAVE_CHARTS=/tmp/charts
            if (Environment.GetEnvironmentVariable("CHATSUPPORT_SAVE_CHARTS") is { Length: > 0 } folder)
            {
                Directory.CreateDirectory(folder);
                await File.WriteAllBytesAsync(Path.Combine(folder, chart.Split('&')[0] + ".png"), bytes);
            }
        }

        // A range without figures is an empty report and an empty chart, not an error.
        Assert.Empty((await client.GetFromJsonAsync<JsonObject>($"/api/reports/daily?tenant={Tenant}&from=2026-10-01&to=2026-10-05"))!["rows"]!.AsArray());
        foreach (var chart in new[] { "symptomatic", "choices", "response-rate" })
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/reports/daily?tenant={Tenant}&from=2026-10-01&to=2026-10-05&format=png&chart={chart}")).StatusCode);

        // The dictionary is open and names every measure.
        using var anonymous = host.CreateClient();
        var dictionary = await anonymous.GetStringAsync("/api/reports/dictionary?format=md");
        foreach (var measure in ReportDictionary.Measures) Assert.Contains(measure.Measure, dictionary);
        Assert.Contains("choice:behaviours", dictionary);
        Assert.Contains("2020-03.1", dictionary);

        // Open data: nothing until published; then only suppressed figures; pausing hides it again.
        var open = $"/api/open-data/daily?tenant={Tenant}&questionnaire=covid19-selfcheck&from=2026-11-01&to=2026-11-03&groupBy=area";
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(open)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/api/reports/publication/{Tenant}/covid19-selfcheck", new { published = true })).StatusCode);
        var published = await anonymous.GetFromJsonAsync<JsonObject>(open);
        Assert.True((bool)published!["published"]!);
        var openRows = published["rows"]!.AsArray();
        Assert.NotEmpty(openRows);
        Assert.All(openRows, r => Assert.True((bool)r!["suppressed"]! ? r["count"] is null : r["count"] is null || (long)r["count"]! == 0 || (long)r["count"]! >= 10));
        var openCsv = await anonymous.GetByteArrayAsync(open + "&format=csv");
        Assert.Equal([0xEF, 0xBB, 0xBF], openCsv[..3]);
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.GetAsync(open + "&format=png")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.GetAsync(open.Replace("from=2026-11-01", "from=2026-07-01", StringComparison.Ordinal))).StatusCode); // over 92 days
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(open.Replace("covid19-selfcheck", "covid19-followup", StringComparison.Ordinal))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/api/reports/publication/{Tenant}/covid19-selfcheck", new { published = false })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(open)).StatusCode);

        // Every pull is in the audit log: who, what, when.
        await using var db = database.Open();
        var audit = await db.AuditLog.AsNoTracking().Where(a => a.Action == "report-pull" || a.Action == "open-data-pull").ToListAsync();
        Assert.Contains(audit, a => a.Actor == "governor-office" && a.Subject == $"{Tenant}/covid19-selfcheck" && a.Details!.Contains("format=csv"));
        Assert.Contains(audit, a => a.Actor == "public" && a.Action == "open-data-pull");
        Assert.Contains(await db.AuditLog.AsNoTracking().Select(a => a.Action).ToListAsync(), a => a == "report-publish");
    }

    private static Task<HttpResponseMessage> Get(HttpClient client, string url, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client.SendAsync(request);
    }

    [Fact]
    public async Task Sqlite_CountsWhatPostgresCounts()
    {
        var spec = Spec(days: 2);
        var (postgres, pgHost) = await StartAsync("postgres", spec);
        await using var _ = postgres;
        using var __ = pgHost;
        var (sqlite, liteHost) = await StartAsync("sqlite", spec);
        await using var ___ = sqlite;
        using var ____ = liteHost;
        await AggregateAsync(pgHost, spec);
        await AggregateAsync(liteHost, spec);
        var expected = await FiguresAsync(postgres);
        var actual = await FiguresAsync(sqlite);
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (e, a) in expected.Zip(actual))
        {
            Assert.Equal((e.LocalDate, e.QuestionnaireVersion, e.Dimension, e.GroupKey, e.Measure, e.Item, e.Count, e.N, e.Suppressed),
                (a.LocalDate, a.QuestionnaireVersion, a.Dimension, a.GroupKey, a.Measure, a.Item, a.Count, a.N, a.Suppressed));
            if (e.Value is { } v) Assert.Equal(v, a.Value!.Value, 6);
        }
    }

    [Fact]
    public async Task OpenData_GivesEachClientItsShare()
    {
        await using var database = await TestDatabase.CreateAsync("postgres");
        using var host = new WebHost(database, settings: new Dictionary<string, string>(Settings) { ["ChatSupport:OpenDataRequestsPerMinute"] = "3" });
        using var anonymous = host.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++) statuses.Add((await anonymous.GetAsync($"/api/open-data/daily?tenant={Tenant}&from=2026-11-01&to=2026-11-02")).StatusCode);
        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task AMissingAreaTable_StopsChatSupportAtStart_NamingTheTenantAndFile()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        using var host = new WebHost(database, settings: new Dictionary<string, string> { ["Tenants:okinawa:Reports:AreaTable"] = "areas/okinawa-missing.csv" });
        var e = Assert.ThrowsAny<Exception>(() => host.Server);
        Assert.Contains("Tenants:okinawa:Reports", e.ToString());
        Assert.Contains("okinawa-missing.csv", e.ToString());
    }

    [Fact]
    public async Task TheNightlyRun_CountsYesterday_AndTheDayBeforeAgain()
    {
        var spec = Spec(days: 3);
        await using var database = await TestDatabase.CreateAsync("postgres");
        var clock = new ChatSupport.IntegrationTests.FollowUps.ShiftedClock();
        clock.SetJst(First.AddDays(3), 0, 30); // 00:30 on the 4th, Japan time
        using var host = new WebHost(database, settings: Settings, services: s =>
        {
            s.RemoveAll<TimeProvider>();
            s.AddSingleton<TimeProvider>(clock);
        });
        _ = host.Server;
        await using (var db = database.Open()) await ReportDataGenerator.WriteAsync(db, ReportDataGenerator.Stream(spec));
        Assert.True(await host.Services.GetRequiredService<AggregateDailyJob>().RunYesterdayAsync(Tenant, CancellationToken.None) > 0);
        var days = (await FiguresAsync(database)).Select(f => f.LocalDate).Distinct().Order().ToList();
        Assert.Equal([First.AddDays(1), First.AddDays(2)], days);
    }
}

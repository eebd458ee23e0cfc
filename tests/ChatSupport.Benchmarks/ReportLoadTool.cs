using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using ChatSupport.Persistence;
using ChatSupport.Persistence.Reports;
using ChatSupport.Questionnaires;
using ChatSupport.Reports;
using ChatSupport.Tests.Reports;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace ChatSupport.Benchmarks;

/// <summary>
/// The daily aggregation and the reports API at scale, against the limits of issue 7:
/// 1. one day of 100,000 residents and about 1,000,000 answers (a quarter of them check twice, plus the day's follow-ups),
///    written with COPY; the aggregation (the job's own code) against the equivalent hand-written GROUP BY run by psql,
///    alternately, three times each after a warm-up: the job's median must be at most 1.5× psql's;
/// 2. that day's figures copied to 90 days, then the reports API (a running Release host) asked sequentially: p99 under 200 ms.
/// </summary>
public static class ReportLoadTool
{
    public static async Task<int> RunAsync(string[] args)
    {
        string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
        var connectionString = Arg("--db", "");
        var url = Arg("--url", "http://127.0.0.1:5096");
        var key = Arg("--key", "");
        var residents = int.Parse(Arg("--residents", "100000"), CultureInfo.InvariantCulture);
        var days = int.Parse(Arg("--days", "90"), CultureInfo.InvariantCulture);
        var script = Arg("--groupby-script", "tests/ChatSupport.Benchmarks/report-groupby.sql");
        var requests = int.Parse(Arg("--requests", "300"), CultureInfo.InvariantCulture);
        const string Tenant = "bench";
        var day = new DateOnly(2026, 11, 22);

        // 1. The data: 60 areas (postal prefixes 200–259), two days so that the counted day has its follow-ups.
        var spec = new ReportDataSpec
        {
            Tenant = Tenant, FirstDay = day.AddDays(-1), Days = 2, ResidentsPerDay = residents, RepeatShare = 0.35, FollowUpShare = 0.3,
            PostalCodes = [.. Enumerable.Range(200, 60).Select(p => $"{p}{p % 10}{(p * 7) % 1000:D3}")],
        };
        var load = Stopwatch.StartNew();
        await CopyAsync(connectionString, spec);
        await ExecAsync(connectionString, "ANALYZE");
        var (from, to) = (new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(9)), new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(9)));
        var answers = await ScalarAsync(connectionString, "SELECT COUNT(*) FROM answers a JOIN responses r ON r.id = a.response_id WHERE r.started_at >= @from AND r.started_at < @to", from, to);
        var dayResidents = await ScalarAsync(connectionString, "SELECT COUNT(DISTINCT resident_id) FROM responses WHERE started_at >= @from AND started_at < @to AND questionnaire_id = 'covid19-selfcheck'", from, to);
        var followUpResidents = await ScalarAsync(connectionString, "SELECT COUNT(DISTINCT resident_id) FROM responses WHERE started_at >= @from AND started_at < @to AND questionnaire_id = 'covid19-followup'", from, to);
        Console.WriteLine($"Loaded in {load.Elapsed.TotalSeconds:F0} s: {day:yyyy-MM-dd} has {answers:N0} answers from {dayResidents:N0} residents answering the self-check " +
            $"(a third of them twice) and {followUpResidents:N0} answering the day's follow-up, in 60 areas.");

        // 2. The job's aggregation against psql's GROUP BY, alternately.
        var catalog = QuestionnaireCatalog.Load("dialogs");
        var request = AggregationRequest.For(catalog, Tenant, day, from, to, AgeBands.Default, 10, hasAreaTable: false);
        var breakdown = new List<(string Statement, TimeSpan Took)>();
        // Contexts as the host gets them (its registration, PostgreSQL).
        await using var services = new ServiceCollection().AddChatSupportDatabase(new DatabaseConfiguration(DatabaseProvider.Postgres, connectionString)).BuildServiceProvider();
        var contexts = services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<ChatSupportDbContext>>();
        async Task<double> Job()
        {
            breakdown.Clear();
            var watch = Stopwatch.StartNew();
            await using var db = contexts.CreateDbContext();
            await DailyAggregation.RunAsync(db, request, CancellationToken.None, (statement, took) => breakdown.Add((statement, took)));
            return watch.Elapsed.TotalSeconds;
        }
        double Psql()
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            var start = new ProcessStartInfo("psql", ["-h", builder.Host!, "-p", builder.Port.ToString(CultureInfo.InvariantCulture), "-U", builder.Username!, "-d", builder.Database!,
                "-qAt", "-v", "ON_ERROR_STOP=1", "-v", $"tenant={Tenant}", "-v", $"day={day:yyyy-MM-dd}", "-f", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
            var watch = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException("psql failed: " + error);
            _ = output.Result;
            return watch.Elapsed.TotalSeconds;
        }
        Console.WriteLine($"Warm-up: job {await Job():F2} s, psql {Psql():F2} s");
        var (jobTimes, psqlTimes) = (new List<double>(), new List<double>());
        for (var i = 0; i < 3; i++)
        {
            jobTimes.Add(await Job());
            psqlTimes.Add(Psql());
        }
        var (jobMedian, psqlMedian) = (jobTimes.Order().ElementAt(1), psqlTimes.Order().ElementAt(1));
        var ratio = jobMedian / psqlMedian;
        var rows = await ScalarAsync(connectionString, "SELECT COUNT(*) FROM daily_figures WHERE local_date = @day", day: day);
        Console.WriteLine($"Aggregation of one day ({rows:N0} figure rows): job {string.Join(" / ", jobTimes.Select(t => t.ToString("F2", CultureInfo.InvariantCulture)))} s, " +
            $"psql GROUP BY {string.Join(" / ", psqlTimes.Select(t => t.ToString("F2", CultureInfo.InvariantCulture)))} s");
        Console.WriteLine($"  median job {jobMedian:F2} s / psql {psqlMedian:F2} s = {ratio:F2}×   (target ≤ 1.5×: {(ratio <= 1.5 ? "met" : "NOT met")})");
        Console.WriteLine("  where the job's last run spent its time:");
        foreach (var (statement, took) in breakdown.OrderByDescending(b => b.Took).Take(8))
            Console.WriteLine($"    {took.TotalSeconds,6:F2} s  {statement}");

        // 3. 90 days of figures, and the reports API.
        await ExecAsync(connectionString, $"""
            INSERT INTO daily_figures (tenant_id, questionnaire_id, questionnaire_version, local_date, dimension, group_key, measure, item, count, value, n, suppressed, k)
            SELECT tenant_id, questionnaire_id, questionnaire_version, local_date - d, dimension, group_key, measure, item, count, value, n, suppressed, k
            FROM daily_figures, generate_series(1, {days - 1}) AS d WHERE local_date = DATE '{day:yyyy-MM-dd}';
            ANALYZE daily_figures;
            """);
        var total = await ScalarAsync(connectionString, "SELECT COUNT(*) FROM daily_figures");
        var first = day.AddDays(-(days - 1));
        Console.WriteLine($"Reports API over {days} days × 60 areas ({total:N0} figure rows), {requests} sequential requests each after 20 warm-ups:");
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var range = $"tenant={Tenant}&questionnaire=covid19-selfcheck&from={first:yyyy-MM-dd}&to={day:yyyy-MM-dd}";
        var cases = new (string Name, string Path)[]
        {
            ("symptomatic share by area, 90 days, JSON", $"/api/reports/daily?{range}&groupBy=area&measure=symptomatic"),
            ("symptomatic share by area, 90 days, PNG chart", $"/api/reports/daily?{range}&groupBy=area&format=png&chart=symptomatic"),
            ("behaviours, 90 days, PNG bar chart", $"/api/reports/daily?{range}&format=png&chart=choices&measure=choice:behaviours"),
            ("every figure by area, yesterday, CSV (lang=ja)", $"/api/reports/daily?tenant={Tenant}&questionnaire=covid19-selfcheck&from={day:yyyy-MM-dd}&to={day:yyyy-MM-dd}&groupBy=area&format=csv&lang=ja"),
            ("every figure overall, 90 days, JSON", $"/api/reports/daily?{range}&groupBy=none"),
        };
        var met = ratio <= 1.5;
        foreach (var (name, path) in cases)
        {
            var times = new List<double>();
            long bytes = 0;
            for (var i = 0; i < 20 + requests; i++)
            {
                var watch = Stopwatch.StartNew();
                using var response = await http.GetAsync(path);
                var body = await response.Content.ReadAsByteArrayAsync();
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
                if (i >= 20) { times.Add(watch.Elapsed.TotalMilliseconds); bytes = body.Length; }
            }
            times.Sort();
            double P(double p) => times[(int)Math.Ceiling(p * times.Count) - 1];
            var ok = P(0.99) < 200;
            met &= ok;
            Console.WriteLine($"  {name,-50} {bytes / 1024,6} KiB  p50 {P(0.5),6:F1} ms  p99 {P(0.99),6:F1} ms  (target p99 < 200 ms: {(ok ? "met" : "NOT met")})");
        }
        return met ? 0 : 1;
    }

    private static async Task ExecAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql, DateTimeOffset? from = null, DateTimeOffset? to = null, DateOnly? day = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        if (from is { } f) command.Parameters.AddWithValue("from", f.ToUniversalTime());
        if (to is { } t) command.Parameters.AddWithValue("to", t.ToUniversalTime());
        if (day is { } d) command.Parameters.AddWithValue("day", d);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>The generated rows through PostgreSQL's binary COPY, one importer per table.</summary>
    private static async Task CopyAsync(string connectionString, ReportDataSpec spec)
    {
        var connections = new List<NpgsqlConnection>();
        async Task<NpgsqlBinaryImporter> Import(string copy)
        {
            var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            connections.Add(connection);
            return await connection.BeginBinaryImportAsync(copy);
        }
        var residents = await Import("COPY residents (id, channel_id, tenant_id, locale, consent_id, consent_version, consented_at, follow_ups_stopped, blocked, created_at) FROM STDIN (FORMAT BINARY)");
        var responses = await Import("COPY responses (id, resident_id, questionnaire_id, questionnaire_version, status, locale, started_at, completed_at, advice_categories, escalations, local_date, values_json) FROM STDIN (FORMAT BINARY)");
        var answers = await Import("COPY answers (response_id, resident_id, question_id, answered_at, skipped, value_text, value_number, value_bool, value_list) FROM STDIN (FORMAT BINARY)");
        var batches = await Import("COPY follow_up_batches (id, tenant_id, local_date, kind, source, rule, questionnaire, locale, retry_key, recipients, status, attempts, not_before, created_at, sent_at, chased_steps) FROM STDIN (FORMAT BINARY)");
        var deliveries = await Import("COPY follow_up_deliveries (resident_id, local_date, kind, batch_id, status) FROM STDIN (FORMAT BINARY)");
        static DateTime Utc(DateTimeOffset at) => at.UtcDateTime;
        foreach (var row in ReportDataGenerator.Stream(spec))
            switch (row)
            {
                case ResidentRow r:
                    await residents.WriteRowAsync(default, r.Id, r.ChannelId, r.TenantId, r.Locale, r.ConsentId, r.ConsentVersion, Utc(r.ConsentedAt!.Value), false, false, Utc(r.CreatedAt));
                    break;
                case ResponseRow r:
                    await responses.StartRowAsync();
                    await responses.WriteAsync(r.Id); await responses.WriteAsync(r.ResidentId); await responses.WriteAsync(r.QuestionnaireId);
                    await responses.WriteAsync(r.QuestionnaireVersion); await responses.WriteAsync(r.Status); await responses.WriteAsync(r.Locale);
                    await responses.WriteAsync(Utc(r.StartedAt), NpgsqlDbType.TimestampTz);
                    if (r.CompletedAt is { } c) await responses.WriteAsync(Utc(c), NpgsqlDbType.TimestampTz); else await responses.WriteNullAsync();
                    await WriteText(responses, r.AdviceCategories); await WriteText(responses, r.Escalations);
                    if (r.LocalDate is { } localDate) await responses.WriteAsync(localDate, NpgsqlDbType.Date); else await responses.WriteNullAsync();
                    await WriteText(responses, r.ValuesJson);
                    break;
                case AnswerRow a:
                    await answers.StartRowAsync();
                    await answers.WriteAsync(a.ResponseId); await answers.WriteAsync(a.ResidentId); await answers.WriteAsync(a.QuestionId);
                    await answers.WriteAsync(Utc(a.AnsweredAt), NpgsqlDbType.TimestampTz); await answers.WriteAsync(a.Skipped);
                    await WriteText(answers, a.ValueText);
                    if (a.ValueNumber is { } n) await answers.WriteAsync(n, NpgsqlDbType.Numeric); else await answers.WriteNullAsync();
                    if (a.ValueBool is { } yes) await answers.WriteAsync(yes); else await answers.WriteNullAsync();
                    await WriteText(answers, a.ValueList);
                    break;
                case FollowUpBatchRow b:
                    await batches.WriteRowAsync(default, b.Id, b.TenantId, b.LocalDate, b.Kind, b.Source, b.Rule, b.Questionnaire, b.Locale, b.RetryKey, b.Recipients, b.Status,
                        b.Attempts, Utc(b.NotBefore), Utc(b.CreatedAt), Utc(b.SentAt!.Value), b.ChasedSteps);
                    break;
                case FollowUpDeliveryRow d:
                    await deliveries.WriteRowAsync(default, d.ResidentId, d.LocalDate, d.Kind, d.BatchId, d.Status);
                    break;
            }
        // The tables have no foreign keys (rows are erased per resident by the application): the importers may finish in any order.
        foreach (var importer in new[] { residents, responses, answers, batches, deliveries })
        {
            await importer.CompleteAsync();
            await importer.DisposeAsync();
        }
        foreach (var connection in connections) await connection.DisposeAsync();
    }

    private static async Task WriteText(NpgsqlBinaryImporter importer, string? value)
    {
        if (value is null) await importer.WriteNullAsync();
        else await importer.WriteAsync(value);
    }
}

using System.Globalization;
using System.Text;
using ChatSupport.Persistence.Stores;
using ChatSupport.Questionnaires;
using ChatSupport.Reports;
using Microsoft.EntityFrameworkCore;

namespace ChatSupport.Persistence.Reports;

/// <summary>What the aggregation needs to know of a questionnaire: its yes/no "has symptoms" value and its questions by kind.</summary>
public sealed record AggregatedQuestionnaire(string Id, string? Symptomatic, IReadOnlyList<AggregatedQuestion> Questions);

/// <summary>A question whose answers are counted: <c>single</c>, <c>multiple</c> and <c>yes_no</c> per option, <c>number</c> as statistics.</summary>
public sealed record AggregatedQuestion(string Id, string Kind);

/// <summary>One tenant-local day to recompute, with the tenant's settings.</summary>
public sealed record AggregationRequest(
    string TenantId,
    DateOnly Day,
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<AggregatedQuestionnaire> Questionnaires,
    IReadOnlyList<string> AreaQuestions,
    IReadOnlyList<string> AgeQuestions,
    AgeBands Bands,
    int K,
    bool HasAreaTable)
{
    /// <summary>The tenant's area table (postal code or prefix → area, health-centre area), stored with the run; none: kept as it is.</summary>
    public IReadOnlyList<(string Key, string Area, string HealthArea)>? AreaRows { get; init; }

    /// <summary>A day of a tenant with the questionnaires of the catalog: what their figures count and where area and age come from.</summary>
    public static AggregationRequest For(QuestionnaireCatalog catalog, string tenantId, DateOnly day, DateTimeOffset from, DateTimeOffset to, AgeBands bands, int k, bool hasAreaTable)
    {
        var questionnaires = catalog.All.Select(q => new AggregatedQuestionnaire(q.Id, q.Reports.Symptomatic,
            [.. q.Questions.Select(x => (x.Id, Kind: Kind(x.Type))).Where(x => x.Kind is not null).Select(x => new AggregatedQuestion(x.Id, x.Kind!))])).ToList();
        var areaQuestions = catalog.All.Select(q => q.Reports.AreaQuestion).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var ageQuestions = catalog.All.Select(q => q.Reports.AgeQuestion).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new AggregationRequest(tenantId, day, from, to, questionnaires, areaQuestions, ageQuestions, bands, k, hasAreaTable);
    }

    private static string? Kind(QuestionType type) => type switch
    {
        QuestionType.Single => "single",
        QuestionType.Multiple => "multiple",
        QuestionType.YesNo => "yes_no",
        QuestionType.Integer or QuestionType.Decimal => "number",
        _ => null,
    };
}

/// <summary>
/// Recomputes a tenant's figures of one day in the database, set-based (answers are never loaded into memory): the
/// day's responses and follow-ups are gathered into temporary tables, each resident gets one cell (area, health-centre
/// area, age band, elderly or not: from their latest answers to the area and age questions), counts are taken per
/// cell and rolled up to each dimension, statistics are taken per dimension, and the day's rows replace the old ones
/// in one transaction. Small-cell suppression then marks what may not be shown (the figures are small: they are read
/// back, never the answers). The same SQL runs on PostgreSQL and SQLite apart from a few functions.
/// </summary>
public static class DailyAggregation
{
    /// <summary>The tenant of residents who came without one (the Bot Framework channel, the try-it page).</summary>
    public const string DefaultTenant = "default";
    public static readonly string[] Dimensions = ["all", "area", "health_area", "age_band", "elderly"];
    public const string Unknown = "unknown";
    public const string Other = "other";

    private static readonly string[] TempTables = ["agg_q", "agg_questions", "agg_r", "agg_f", "agg_p", "agg_c", "agg_l", "agg_n", "agg_o", "agg_od", "agg_s", "agg_hidden"];

    /// <param name="trace">Told how long each statement took (the load tool prints where the time goes).</param>
    public static async Task<int> RunAsync(ChatSupportDbContext db, AggregationRequest request, CancellationToken ct, Action<string, TimeSpan>? trace = null)
    {
        var sql = new Dialect(db.UsesSqlite);
        await using var scope = await ConnectionScope.OpenAsync(db, ct).ConfigureAwait(false);
        var day = new DayRun(db, scope, request, sql, Parameters(db, request), trace, ct);
        // PostgreSQL: one transaction (readers and the bot's writes go on beside it). SQLite has one writer: the day is
        // computed outside a transaction (temporary tables are the connection's own) and only replaced inside one.
        var transaction = sql.Sqlite ? null : await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
        try
        {
            await day.GatherAsync().ConfigureAwait(false);
            await day.CellsAsync().ConfigureAwait(false);
            await day.CountsAsync().ConfigureAwait(false);
            await day.StatisticsAsync().ConfigureAwait(false);
            if (sql.Sqlite) transaction = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            var written = await day.ReplaceAsync().ConfigureAwait(false);
            await transaction!.CommitAsync(ct).ConfigureAwait(false);
            return written;
        }
        finally
        {
            if (transaction is not null) await transaction.DisposeAsync().ConfigureAwait(false);
            // SQLite's connections are pooled with their temporary tables: leave none behind.
            if (sql.Sqlite) foreach (var table in TempTables) await day.ExecuteAsync($"DROP TABLE IF EXISTS {table}").ConfigureAwait(false);
        }
    }

    /// <summary>One day's run, step by step, on the run's connection (and, on PostgreSQL, its transaction).</summary>
    private sealed class DayRun(ChatSupportDbContext db, ConnectionScope scope, AggregationRequest request, Dialect sql,
        Dictionary<string, object?> p, Action<string, TimeSpan>? trace, CancellationToken ct)
    {
        public async Task ExecuteAsync(string text, IReadOnlyDictionary<string, object?>? extra = null)
        {
            await using var command = scope.Command(text);
            foreach (var (name, value) in p) if (text.Contains(name, StringComparison.Ordinal)) command.AddParameter(name, value);
            foreach (var (name, value) in extra ?? new Dictionary<string, object?>()) command.AddParameter(name, value);
            command.CommandTimeout = 600;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            trace?.Invoke(text.Length > 60 ? text.Trim()[..60].ReplaceLineEndings(" ") : text, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }

        /// <summary>Temporary tables have no statistics until analysed: without them PostgreSQL plans nested loops over thousands of rows.</summary>
        private async Task AnalyzeAsync(string table)
        {
            if (!sql.Sqlite) await ExecuteAsync($"ANALYZE {table}").ConfigureAwait(false);
        }

        /// <summary>Gather: the questionnaires, the day's responses and follow-ups, and each resident's latest area and age answers.</summary>
        public async Task GatherAsync()
        {
            // Runs of one tenant (a backfill beside the nightly job, several days at once) take turns: none reads an area
            // table another is replacing, and none fails on another's keys.
            if (!sql.Sqlite) await ExecuteAsync("SELECT pg_advisory_xact_lock(hashtext('chatsupport-daily-figures/' || @tenant))");
            foreach (var table in TempTables) await ExecuteAsync($"DROP TABLE IF EXISTS {table}");
            if (request.AreaRows is { } areaRows) await SyncAreasAsync(db, scope, request.TenantId, areaRows, sql.Sqlite, ct).ConfigureAwait(false);

            await ExecuteAsync($"CREATE TEMP TABLE agg_q (questionnaire_id TEXT, symptomatic TEXT){sql.OnCommitDrop}");
            await ExecuteAsync($"CREATE TEMP TABLE agg_questions (questionnaire_id TEXT, question_id TEXT, kind TEXT){sql.OnCommitDrop}");
            foreach (var q in request.Questionnaires)
            {
                await ExecuteAsync("INSERT INTO agg_q VALUES (@qid, @qsym)", new Dictionary<string, object?> { ["@qid"] = q.Id, ["@qsym"] = q.Symptomatic });
                foreach (var question in q.Questions)
                    await ExecuteAsync("INSERT INTO agg_questions VALUES (@qid, @question, @kind)",
                        new Dictionary<string, object?> { ["@qid"] = q.Id, ["@question"] = question.Id, ["@kind"] = question.Kind });
            }

            // The day's responses: started or completed (with advice) within it, of the tenant's residents.
            await ExecuteAsync($"""
                CREATE TEMP TABLE agg_r{sql.OnCommitDrop} AS
                SELECT r.id, r.resident_id, r.questionnaire_id, r.questionnaire_version, r.status, r.completed_at,
                       CASE WHEN r.started_at >= @from AND r.started_at < @to THEN 1 ELSE 0 END AS started,
                       CASE WHEN r.completed_at >= @from AND r.completed_at < @to AND r.status IN ('completed', 'emergency') THEN 1 ELSE 0 END AS completed,
                       r.advice_categories, r.escalations, r.values_json
                FROM responses r JOIN residents p ON p.id = r.resident_id
                WHERE COALESCE(p.tenant_id, @defaultTenant) = @tenant
                  AND ((r.started_at >= @from AND r.started_at < @to) OR (r.completed_at >= @from AND r.completed_at < @to))
                """);
            await AnalyzeAsync("agg_r");
            // The day's follow-up messages that went (a delivery is sent when its batch is, unless it was skipped).
            await ExecuteAsync($"""
                CREATE TEMP TABLE agg_f{sql.OnCommitDrop} AS
                SELECT d.resident_id, b.questionnaire AS questionnaire_id, b.kind, b.sent_at
                FROM follow_up_batches b JOIN follow_up_deliveries d ON d.batch_id = b.id
                WHERE b.tenant_id = @tenant AND b.local_date = @day AND b.status = 'sent' AND d.status = 'planned'
                """);
            await AnalyzeAsync("agg_f");
            // Each resident's latest area and age answers as of the day's end (in any questionnaire: the profile).
            await ExecuteAsync($"""
                CREATE TEMP TABLE agg_p{sql.OnCommitDrop} AS
                SELECT x.resident_id,
                       (SELECT a.value_text FROM answers a WHERE a.resident_id = x.resident_id AND a.question_id IN ({In("@area", request.AreaQuestions.Count)})
                          AND a.answered_at < @to AND a.value_text IS NOT NULL ORDER BY a.answered_at DESC, a.id DESC LIMIT 1) AS postal,
                       (SELECT {sql.Real("a.value_number")} FROM answers a WHERE a.resident_id = x.resident_id AND a.question_id IN ({In("@age", request.AgeQuestions.Count)})
                          AND a.answered_at < @to AND a.value_number IS NOT NULL ORDER BY a.answered_at DESC, a.id DESC LIMIT 1) AS age,
                       CASE WHEN p.consented_at >= @from AND p.consented_at < @to THEN 1 ELSE 0 END AS consented
                FROM (SELECT resident_id FROM agg_r UNION SELECT resident_id FROM agg_f) x JOIN residents p ON p.id = x.resident_id
                """, Lists(request));
            await AnalyzeAsync("agg_p");
        }

        /// <summary>Cells: each resident's one cell (area, health-centre area, age band, elderly or not).</summary>
        public async Task CellsAsync()
        {
            var lookups = string.Join(" ", Enumerable.Range(3, 5).Select(n =>
                $"LEFT JOIN report_areas m{n} ON m{n}.tenant_id = @tenant AND m{n}.key = substr(p.postal, 1, {n})"));
            string Mapped(string column) => "COALESCE(" + string.Join(", ", Enumerable.Range(3, 5).Reverse().Select(n => $"m{n}.{column}")) + ", @other)";
            await ExecuteAsync($"""
                CREATE TEMP TABLE agg_c{sql.OnCommitDrop} AS
                SELECT p.resident_id, p.consented,
                       CASE WHEN p.postal IS NULL THEN @unknown WHEN @hasTable = 0 THEN substr(p.postal, 1, 3) ELSE {Mapped("area")} END AS area,
                       CASE WHEN p.postal IS NULL OR @hasTable = 0 THEN @unknown ELSE {Mapped("health_area")} END AS health_area,
                       {AgeBandSql(request.Bands)} AS age_band,
                       CASE WHEN p.age IS NULL OR p.age < 0 OR p.age > 150 THEN @unknown WHEN p.age >= {request.Bands.ElderlyFrom} THEN '{request.Bands.ElderlyLabel}' ELSE '{request.Bands.YoungerLabel}' END AS elderly
                FROM agg_p p {lookups}
                """);
            await AnalyzeAsync("agg_c");
        }

        /// <summary>Counts per cell, of each resident's latest completed response per questionnaire version (what the distributions count).</summary>
        public async Task CountsAsync()
        {
            // Each resident's latest completed response of the day per questionnaire version: what the distributions count.
            await ExecuteAsync($"""
                CREATE TEMP TABLE agg_l{sql.OnCommitDrop} AS
                SELECT id, resident_id, questionnaire_id, questionnaire_version, sym FROM (
                  SELECT r.id, r.resident_id, r.questionnaire_id, r.questionnaire_version,
                         CASE WHEN q.symptomatic IS NULL THEN NULL ELSE {sql.JsonBool("r.values_json", "q.symptomatic")} END AS sym,
                         row_number() OVER (PARTITION BY r.resident_id, r.questionnaire_id, r.questionnaire_version ORDER BY r.completed_at DESC, r.id DESC) AS rn
                  FROM agg_r r LEFT JOIN agg_q q ON q.questionnaire_id = r.questionnaire_id
                  WHERE r.completed = 1) t
                WHERE rn = 1
                """);
            await AnalyzeAsync("agg_l");

            // Counts per cell (each resident is in exactly one, so cells add up to every dimension).
            const string Cell = "c.area, c.health_area, c.age_band, c.elderly";
            const string By = "1, 2, 3, 4, 5, 6, 7, 8";
            await ExecuteAsync($"""
                CREATE TEMP TABLE agg_n{sql.OnCommitDrop} AS
                SELECT r.questionnaire_id, r.questionnaire_version, {Cell}, 'started' AS measure, '' AS item, COUNT(DISTINCT r.resident_id) AS n
                  FROM agg_r r JOIN agg_c c ON c.resident_id = r.resident_id WHERE r.started = 1 GROUP BY {By}
                UNION ALL
                SELECT r.questionnaire_id, r.questionnaire_version, {Cell}, 'consented', '', COUNT(DISTINCT r.resident_id)
                  FROM agg_r r JOIN agg_c c ON c.resident_id = r.resident_id WHERE r.started = 1 AND c.consented = 1 GROUP BY {By}
                UNION ALL
                SELECT l.questionnaire_id, l.questionnaire_version, {Cell}, 'completed', '', COUNT(*)
                  FROM agg_l l JOIN agg_c c ON c.resident_id = l.resident_id GROUP BY {By}
                UNION ALL
                SELECT l.questionnaire_id, l.questionnaire_version, {Cell}, 'symptomatic', '', COUNT(*)
                  FROM agg_l l JOIN agg_c c ON c.resident_id = l.resident_id WHERE l.sym = 1 GROUP BY {By}
                UNION ALL
                SELECT l.questionnaire_id, l.questionnaire_version, {Cell}, 'choice:' || a.question_id, a.value_text, COUNT(*)
                  FROM agg_l l JOIN agg_c c ON c.resident_id = l.resident_id JOIN answers a ON a.response_id = l.id
                  JOIN agg_questions k ON k.questionnaire_id = l.questionnaire_id AND k.question_id = a.question_id AND k.kind = 'single'
                  WHERE a.value_text IS NOT NULL GROUP BY {By}
                UNION ALL
                SELECT l.questionnaire_id, l.questionnaire_version, {Cell}, 'choice:' || a.question_id, CASE WHEN a.value_bool THEN 'yes' ELSE 'no' END, COUNT(*)
                  FROM agg_l l JOIN agg_c c ON c.resident_id = l.resident_id JOIN answers a ON a.response_id = l.id
                  JOIN agg_questions k ON k.questionnaire_id = l.questionnaire_id AND k.question_id = a.question_id AND k.kind = 'yes_no'
                  WHERE a.value_bool IS NOT NULL GROUP BY {By}
                UNION ALL
                SELECT l.questionnaire_id, l.questionnaire_version, {Cell}, 'choice:' || a.question_id, e.value, COUNT(*)
                  FROM agg_l l JOIN agg_c c ON c.resident_id = l.resident_id JOIN answers a ON a.response_id = l.id
                  JOIN agg_questions k ON k.questionnaire_id = l.questionnaire_id AND k.question_id = a.question_id AND k.kind = 'multiple'
                  {sql.JsonElements("a.value_list", "e")} GROUP BY {By}
                UNION ALL
                SELECT r.questionnaire_id, r.questionnaire_version, {Cell}, 'advice', e.value, COUNT(DISTINCT r.resident_id)
                  FROM agg_r r JOIN agg_c c ON c.resident_id = r.resident_id {sql.CommaElements("r.advice_categories", "e")}
                  WHERE r.completed = 1 AND r.advice_categories <> '' GROUP BY {By}
                UNION ALL
                SELECT r.questionnaire_id, r.questionnaire_version, {Cell}, 'escalations', e.value, COUNT(DISTINCT r.resident_id)
                  FROM agg_r r JOIN agg_c c ON c.resident_id = r.resident_id {sql.CommaElements("r.escalations", "e")}
                  WHERE r.completed = 1 AND r.escalations <> '' GROUP BY {By}
                UNION ALL
                SELECT r.questionnaire_id, r.questionnaire_version, {Cell}, 'dropped_after',
                       COALESCE((SELECT a.question_id FROM answers a WHERE a.response_id = r.id ORDER BY a.answered_at DESC, a.id DESC LIMIT 1), '(none)'), COUNT(*)
                  FROM agg_r r JOIN agg_c c ON c.resident_id = r.resident_id
                  WHERE r.started = 1 AND r.completed = 0 AND r.status IN ('in_progress', 'abandoned') GROUP BY {By}
                UNION ALL
                SELECT f.questionnaire_id, '', {Cell}, 'follow_ups_sent', '', COUNT(DISTINCT f.resident_id)
                  FROM agg_f f JOIN agg_c c ON c.resident_id = f.resident_id WHERE f.kind = 'prompt' GROUP BY {By}
                UNION ALL
                SELECT f.questionnaire_id, '', {Cell}, 'follow_ups_answered', '', COUNT(DISTINCT f.resident_id)
                  FROM agg_f f JOIN agg_c c ON c.resident_id = f.resident_id
                  JOIN (SELECT resident_id, questionnaire_id, MAX(completed_at) AS last_completed FROM agg_r WHERE completed = 1 GROUP BY resident_id, questionnaire_id) done
                    ON done.resident_id = f.resident_id AND done.questionnaire_id = f.questionnaire_id AND done.last_completed >= f.sent_at
                  WHERE f.kind = 'prompt' GROUP BY {By}
                UNION ALL
                SELECT f.questionnaire_id, '', {Cell}, 'reminders_sent', '', COUNT(*)
                  FROM agg_f f JOIN agg_c c ON c.resident_id = f.resident_id WHERE f.kind LIKE 'reminder-%' GROUP BY {By}
                """);
        }

        /// <summary>Statistics per dimension: numeric answers, and minutes from the invitation to the completed follow-up.</summary>
        public async Task StatisticsAsync()
        {
            // Observations for statistics: numeric answers, and minutes from the invitation to the completed follow-up.
            await ExecuteAsync($"""
                CREATE TEMP TABLE agg_o{sql.OnCommitDrop} AS
                SELECT l.questionnaire_id, l.questionnaire_version, l.resident_id, 'number:' || a.question_id AS measure, {sql.Real("a.value_number")} AS x
                  FROM agg_l l JOIN answers a ON a.response_id = l.id
                  JOIN agg_questions k ON k.questionnaire_id = l.questionnaire_id AND k.question_id = a.question_id AND k.kind = 'number'
                  WHERE a.value_number IS NOT NULL
                UNION ALL
                SELECT f.questionnaire_id, '', f.resident_id, 'answer_minutes', MIN({sql.Minutes("r.completed_at", "f.sent_at")})
                  FROM agg_f f JOIN agg_r r ON r.resident_id = f.resident_id AND r.questionnaire_id = f.questionnaire_id AND r.completed = 1 AND r.completed_at >= f.sent_at
                  WHERE f.kind = 'prompt' GROUP BY f.questionnaire_id, f.resident_id
                """);
            await AnalyzeAsync("agg_o");
            await ExecuteAsync($"""
                CREATE TEMP TABLE agg_od{sql.OnCommitDrop} AS
                SELECT o.questionnaire_id, o.questionnaire_version, d.dimension, d.group_key, o.measure, o.x
                FROM agg_o o JOIN (
                  SELECT resident_id, 'all' AS dimension, '' AS group_key FROM agg_c
                  UNION ALL SELECT resident_id, 'area', area FROM agg_c
                  UNION ALL SELECT resident_id, 'health_area', health_area FROM agg_c
                  UNION ALL SELECT resident_id, 'age_band', age_band FROM agg_c
                  UNION ALL SELECT resident_id, 'elderly', elderly FROM agg_c) d ON d.resident_id = o.resident_id
                """);
            await AnalyzeAsync("agg_od");
            // Quartiles interpolated as percentile_cont does: position p·(n−1) between the ordered values. No minimum or
            // maximum: in a group of ten, the oldest resident's age is one person's answer.
            string Quantile(string p) =>
                $"SUM(CASE WHEN i = {sql.Floor($"{p} * (cnt - 1)")} THEN x * (1 - ({p} * (cnt - 1) - {sql.Floor($"{p} * (cnt - 1)")})) " +
                $"WHEN i = {sql.Floor($"{p} * (cnt - 1)")} + 1 THEN x * ({p} * (cnt - 1) - {sql.Floor($"{p} * (cnt - 1)")}) ELSE 0 END)";
            await ExecuteAsync($"""
                CREATE TEMP TABLE agg_s{sql.OnCommitDrop} AS
                SELECT questionnaire_id, questionnaire_version, dimension, group_key, measure, COUNT(*) AS n, AVG(x) AS mean,
                       {Quantile("0.25")} AS q1, {Quantile("0.5")} AS median, {Quantile("0.75")} AS q3
                FROM (SELECT questionnaire_id, questionnaire_version, dimension, group_key, measure, x,
                             row_number() OVER (PARTITION BY questionnaire_id, questionnaire_version, dimension, group_key, measure ORDER BY x) - 1 AS i,
                             COUNT(*) OVER (PARTITION BY questionnaire_id, questionnaire_version, dimension, group_key, measure) AS cnt
                      FROM agg_od) t
                GROUP BY questionnaire_id, questionnaire_version, dimension, group_key, measure
                """);
        }

        /// <summary>Replace the day (in the caller's transaction): counts rolled up to each dimension, statistics, small-cell suppression; says how many rows.</summary>
        public async Task<int> ReplaceAsync()
        {
            await ExecuteAsync("DELETE FROM daily_figures WHERE tenant_id = @tenant AND local_date = @day");
            const string Insert = "INSERT INTO daily_figures (tenant_id, questionnaire_id, questionnaire_version, local_date, dimension, group_key, measure, item, count, value, n, suppressed, k) ";
            var (nullReal, nullCount) = ($"CAST(NULL AS {sql.RealType})", "CAST(NULL AS BIGINT)");
            var rollups = string.Join(" UNION ALL ", Dimensions.Select(d => d == "all"
                ? $"SELECT @tenant, questionnaire_id, questionnaire_version, @day, 'all', '', measure, item, SUM(n), {nullReal}, {nullCount}, @no, @k FROM agg_n GROUP BY questionnaire_id, questionnaire_version, measure, item"
                : $"SELECT @tenant, questionnaire_id, questionnaire_version, @day, '{d}', {d}, measure, item, SUM(n), {nullReal}, {nullCount}, @no, @k FROM agg_n GROUP BY questionnaire_id, questionnaire_version, {d}, measure, item"));
            await ExecuteAsync(Insert + rollups);
            var stats = string.Join(" UNION ALL ", new[] { "mean", "q1", "median", "q3" }.Select(item =>
                $"SELECT @tenant, questionnaire_id, questionnaire_version, @day, dimension, group_key, measure, '{item}', {nullCount}, {item}, n, @no, @k FROM agg_s").Prepend($"SELECT @tenant, questionnaire_id, questionnaire_version, @day, dimension, group_key, measure, 'count', n, {nullReal}, {nullCount}, @no, @k FROM agg_s"));
            await ExecuteAsync(Insert + stats);

            var suppressing = System.Diagnostics.Stopwatch.GetTimestamp();
            var hidden = await SuppressAsync(scope, p, request, ct).ConfigureAwait(false);
            trace?.Invoke("small-cell suppression (read back, computed)", System.Diagnostics.Stopwatch.GetElapsedTime(suppressing));
            if (hidden.Count > 0)
            {
                await ExecuteAsync($"CREATE TEMP TABLE agg_hidden (questionnaire_id TEXT, questionnaire_version TEXT, dimension TEXT, group_key TEXT, measure TEXT, item TEXT){sql.OnCommitDrop}");
                foreach (var chunk in hidden.Chunk(400))
                {
                    var values = new StringBuilder();
                    var extra = new Dictionary<string, object?>();
                    for (var i = 0; i < chunk.Length; i++)
                    {
                        values.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"(@h{i}q, @h{i}v, @h{i}d, @h{i}g, @h{i}m, @h{i}i)");
                        (extra[$"@h{i}q"], extra[$"@h{i}v"], extra[$"@h{i}d"], extra[$"@h{i}g"], extra[$"@h{i}m"], extra[$"@h{i}i"]) =
                            (chunk[i].Questionnaire, chunk[i].Version, chunk[i].Dimension, chunk[i].Group, chunk[i].Measure, chunk[i].Item);
                    }
                    await ExecuteAsync("INSERT INTO agg_hidden VALUES " + values, extra);
                }
                // A hidden count hides its row; a hidden observation count hides the statistics of its group too.
                await ExecuteAsync($"""
                    UPDATE daily_figures SET suppressed = @yes
                    WHERE tenant_id = @tenant AND local_date = @day AND EXISTS (
                      SELECT 1 FROM agg_hidden h WHERE h.questionnaire_id = daily_figures.questionnaire_id AND h.questionnaire_version = daily_figures.questionnaire_version
                        AND h.dimension = daily_figures.dimension AND h.group_key = daily_figures.group_key AND h.measure = daily_figures.measure
                        AND (h.item = daily_figures.item OR (daily_figures.count IS NULL AND h.item = 'count')))
                    """);
            }
            return await CountAsync(scope, p, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The tenant's area table as the request has it: replaced (in one transaction) only when its rows differ.</summary>
    private static async Task SyncAreasAsync(ChatSupportDbContext db, ConnectionScope scope, string tenantId, IReadOnlyList<(string Key, string Area, string HealthArea)> rows, bool sqlite, CancellationToken ct)
    {
        var stored = new HashSet<(string, string, string)>();
        await using (var read = scope.Command("SELECT key, area, health_area FROM report_areas WHERE tenant_id = @tenant"))
        {
            read.AddParameter("@tenant", tenantId);
            await using var reader = await read.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) stored.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }
        if (stored.SetEquals(rows)) return;
        var own = sqlite ? await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false) : null;
        await using (var delete = scope.Command("DELETE FROM report_areas WHERE tenant_id = @tenant"))
        {
            delete.AddParameter("@tenant", tenantId);
            await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        foreach (var chunk in rows.Chunk(500))
        {
            var values = string.Join(", ", chunk.Select((_, i) => $"(@tenant, @k{i}, @a{i}, @h{i})"));
            await using var insert = scope.Command("INSERT INTO report_areas (tenant_id, key, area, health_area) VALUES " + values);
            insert.AddParameter("@tenant", tenantId);
            for (var i = 0; i < chunk.Length; i++)
            {
                insert.AddParameter($"@k{i}", chunk[i].Key);
                insert.AddParameter($"@a{i}", chunk[i].Area);
                insert.AddParameter($"@h{i}", chunk[i].HealthArea);
            }
            await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        if (own is not null)
        {
            await own.CommitAsync(ct).ConfigureAwait(false);
            await own.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Small-cell suppression of the day's counts (<see cref="FigureSuppression"/>): read back, decided in memory.</summary>
    private static async Task<List<FigureKey>> SuppressAsync(ConnectionScope scope, Dictionary<string, object?> p, AggregationRequest request, CancellationToken ct)
    {
        var counts = new List<(string Q, string V, string D, string G, string M, string I, long N)>();
        await using (var command = scope.Command("SELECT questionnaire_id, questionnaire_version, dimension, group_key, measure, item, count FROM daily_figures WHERE tenant_id = @tenant AND local_date = @day AND count IS NOT NULL"))
        {
            command.AddParameter("@tenant", p["@tenant"]);
            command.AddParameter("@day", p["@day"]);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
                counts.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetInt64(6)));
        }
        var cells = new List<(string, string, string, string)>();
        await using (var command = scope.Command("SELECT DISTINCT area, health_area, age_band, elderly FROM agg_c"))
        {
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
                cells.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }
        var hidden = FigureSuppression.Hide(counts.ToDictionary(c => new FigureKey(c.Q, c.V, c.D, c.G, c.M, c.I), c => c.N), request.K, FigureSuppression.NestingsOf(cells));
        return [.. hidden];
    }

    private static async Task<int> CountAsync(ConnectionScope scope, Dictionary<string, object?> p, CancellationToken ct)
    {
        await using var command = scope.Command("SELECT COUNT(*) FROM daily_figures WHERE tenant_id = @tenant AND local_date = @day");
        command.AddParameter("@tenant", p["@tenant"]);
        command.AddParameter("@day", p["@day"]);
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private static Dictionary<string, object?> Parameters(ChatSupportDbContext db, AggregationRequest r) => new()
    {
        ["@tenant"] = r.TenantId,
        ["@defaultTenant"] = DefaultTenant,
        ["@dayText"] = r.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["@day"] = db.UsesSqlite ? r.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : r.Day,
        ["@from"] = db.Instant(r.From),
        ["@to"] = db.Instant(r.To),
        ["@unknown"] = Unknown,
        ["@other"] = Other,
        ["@hasTable"] = r.HasAreaTable ? 1 : 0,
        ["@no"] = false,
        ["@yes"] = true,
        ["@k"] = r.K,
    };

    private static Dictionary<string, object?> Lists(AggregationRequest r)
    {
        var lists = new Dictionary<string, object?>();
        for (var i = 0; i < r.AreaQuestions.Count; i++) lists[$"@area{i}"] = r.AreaQuestions[i];
        for (var i = 0; i < r.AgeQuestions.Count; i++) lists[$"@age{i}"] = r.AgeQuestions[i];
        return lists;
    }

    private static string In(string prefix, int count) =>
        count == 0 ? "NULL" : string.Join(", ", Enumerable.Range(0, count).Select(i => prefix + i.ToString(CultureInfo.InvariantCulture)));

    private static string AgeBandSql(AgeBands bands)
    {
        var sql = new StringBuilder("CASE WHEN p.age IS NULL OR p.age < 0 OR p.age > 150 THEN @unknown");
        for (var i = bands.LowerBounds.Count - 1; i > 0; i--)
            sql.Append(CultureInfo.InvariantCulture, $" WHEN p.age >= {bands.LowerBounds[i]} THEN '{bands.Labels[i]}'");
        return sql.Append(CultureInfo.InvariantCulture, $" ELSE '{bands.Labels[0]}' END").ToString();
    }

    /// <summary>The few places where PostgreSQL and SQLite differ.</summary>
    private sealed record Dialect(bool Sqlite)
    {
        /// <summary>PostgreSQL drops the temporary tables with the transaction; SQLite's are dropped by hand (its connections are pooled).</summary>
        public string OnCommitDrop => Sqlite ? "" : " ON COMMIT DROP";
        public string RealType => Sqlite ? "REAL" : "DOUBLE PRECISION";
        public string Real(string e) => Sqlite ? $"CAST({e} AS REAL)" : $"CAST({e} AS DOUBLE PRECISION)";
        public string Floor(string e) => Sqlite ? $"CAST({e} AS INTEGER)" : $"CAST(floor({e}) AS INTEGER)";
        public string JsonBool(string json, string name) => Sqlite
            ? $"CASE json_type({json}, '$.' || {name}) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END"
            : $"CASE ({json}::jsonb ->> {name}) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END";
        public string JsonElements(string json, string alias) => Sqlite
            ? $"JOIN json_each({json}) {alias}"
            : $"CROSS JOIN LATERAL jsonb_array_elements_text({json}::jsonb) AS {alias}(value)";
        public string CommaElements(string list, string alias) => Sqlite
            ? $"JOIN json_each('[\"' || replace({list}, ',', '\",\"') || '\"]') {alias}"
            : $"CROSS JOIN LATERAL unnest(string_to_array({list}, ',')) AS {alias}(value)";
        public string Minutes(string later, string earlier) => Sqlite
            ? $"(({later}) - ({earlier})) / 600000000.0"
            : $"EXTRACT(EPOCH FROM ({later} - {earlier})) / 60.0";
    }


}

using System.Globalization;
using System.Runtime.CompilerServices;
using ChatSupport.Persistence.Residents;
using ChatSupport.Persistence.Stores;
using ChatSupport.Questionnaires.Impact;
using ChatSupport.Residents;
using Microsoft.EntityFrameworkCore;

namespace ChatSupport.Persistence.Reports;

/// <summary>
/// A tenant's completed responses to a questionnaire over tenant-local days, for the impact report: each with its
/// stored values and the resident's earlier responses as the rules read them when it completed (newest first, at most
/// <see cref="EfResponseHistory.MaxRecords"/>, like <see cref="EfResponseHistory"/>). One set-based query, streamed:
/// the residents who completed the questionnaire in the period, all their completed responses in (resident,
/// completion) order; each resident's history is built as their rows go by, so memory holds one resident at a time.
/// </summary>
public sealed class ImpactResponseStore(IDbContextFactory<ChatSupportDbContext> contexts)
{
    // The completion instant bounds the tenant-local day to within a day either way (any time zone), so the index on
    // completed_at finds the period's responses; local_date then says which days they are.
    private const string Sql = """
        SELECT r.resident_id, r.id, r.questionnaire_id, r.local_date, r.completed_at, r.values_json,
               CASE WHEN r.questionnaire_id = @questionnaire AND r.status IN ('completed', 'emergency')
                         AND r.local_date >= @from AND r.local_date <= @to THEN 1 ELSE 0 END AS replayed
        FROM responses r
        WHERE r.values_json IS NOT NULL AND r.completed_at IS NOT NULL AND r.local_date IS NOT NULL
          AND r.resident_id IN (
              SELECT t.resident_id FROM responses t JOIN residents p ON p.id = t.resident_id
              WHERE COALESCE(p.tenant_id, @defaultTenant) = @tenant AND t.questionnaire_id = @questionnaire
                AND t.status IN ('completed', 'emergency') AND t.values_json IS NOT NULL
                AND t.completed_at >= @fromInstant AND t.completed_at < @toInstant
                AND t.local_date >= @from AND t.local_date <= @to)
        ORDER BY r.resident_id, r.completed_at, r.id
        """;

    /// <summary>The completed (or emergency) responses to <paramref name="questionnaireId"/> of the tenant's residents, local days <paramref name="from"/> to <paramref name="to"/> inclusive.</summary>
    public async IAsyncEnumerable<StoredResponse> ReadAsync(string tenantId, string questionnaireId, DateOnly from, DateOnly to,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using var scope = await ConnectionScope.OpenAsync(db, cancellationToken).ConfigureAwait(false);
        await using var command = scope.Command(Sql);
        command.CommandTimeout = 600;
        command.AddParameter("@tenant", tenantId);
        command.AddParameter("@defaultTenant", DailyAggregation.DefaultTenant);
        command.AddParameter("@questionnaire", questionnaireId);
        command.AddParameter("@from", Day(db, from));
        command.AddParameter("@to", Day(db, to));
        command.AddParameter("@fromInstant", db.Instant(new DateTimeOffset(from.AddDays(-1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)));
        command.AddParameter("@toInstant", db.Instant(new DateTimeOffset(to.AddDays(2).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);

        string? resident = null;
        var records = new List<HistoryRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var residentId = reader.GetString(0);
            if (residentId != resident) (resident, records) = (residentId, []);
            var date = db.UsesSqlite ? DateOnly.ParseExact(reader.GetString(3), "yyyy-MM-dd", CultureInfo.InvariantCulture) : reader.GetFieldValue<DateOnly>(3);
            var at = db.UsesSqlite ? new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero) : reader.GetFieldValue<DateTimeOffset>(4);
            var values = HistoryValues.FromJson(reader.GetString(5));
            var record = new HistoryRecord(reader.GetString(2), date, at, values) { ResponseId = reader.GetString(1) };
            if (reader.GetInt32(6) == 1) yield return new StoredResponse(record.ResponseId, date, values, new NewestFirst(records, records.Count));
            records.Add(record);
        }
    }

    private static object Day(ChatSupportDbContext db, DateOnly day) => db.UsesSqlite ? day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : day;

    /// <summary>The first <c>count</c> records of a resident's list (oldest first), seen newest first and at most as many as the engine reads.</summary>
    private sealed class NewestFirst(List<HistoryRecord> records, int count) : IReadOnlyList<HistoryRecord>
    {
        public int Count { get; } = Math.Min(count, EfResponseHistory.MaxRecords);

        public HistoryRecord this[int index] => (uint)index < (uint)Count ? records[count - 1 - index] : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<HistoryRecord> GetEnumerator()
        {
            for (var i = 0; i < Count; i++) yield return records[count - 1 - i];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

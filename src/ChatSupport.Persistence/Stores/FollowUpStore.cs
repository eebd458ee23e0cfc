using System.Text;
using Dapper;

namespace ChatSupport.Persistence.Stores;

/// <summary>
/// A planning slot: the tenant's residents due on <paramref name="Today"/> at <paramref name="Minute"/> (minutes after
/// local midnight). The tenant's own hour (<paramref name="TenantMinute"/>) takes everyone without a time of their own,
/// except the residents of a policy with its own time (<paramref name="PolicyMinutes"/>).
/// </summary>
public sealed record DueSlot(string TenantId, DateOnly Today, int Minute, int TenantMinute, IReadOnlyCollection<int> PolicyMinutes);

/// <summary>A resident due a follow-up, as the planner reads it from <c>residents</c>.</summary>
public sealed class DueResident
{
    public string Id { get; init; } = "";
    public DateOnly NextFollowUp { get; init; }
    public string? Locale { get; init; }
    public string? FollowUpSource { get; init; }
    public string? FollowUpRule { get; init; }
    public string? FollowUpQuestionnaire { get; init; }
    public int? FollowUpEveryDays { get; init; }
}

/// <summary>
/// The follow-up schedule and its deliveries: the residents due (keyset pages over the partial index
/// ix_residents_next_follow_up), the unique resident × day × kind records (<c>follow_up_deliveries</c>), and the
/// no-answer ladder's reminders and staff alerts for the residents of a batch who have not answered since it was sent.
/// Every statement runs in the caller's transaction.
/// </summary>
public sealed class FollowUpStore
{
    private const string Unanswered =
        "FROM follow_up_deliveries d JOIN residents r ON r.id = d.resident_id " +
        "WHERE d.batch_id = @prompt AND d.status = 'planned' AND NOT r.blocked AND NOT r.follow_ups_stopped " +
        "AND NOT EXISTS (SELECT 1 FROM responses x WHERE x.resident_id = d.resident_id AND x.completed_at >= @sent_at)";

    /// <summary>The predicate of the partial index, then the slot: the tenant's own hour takes everyone without a time of their own.</summary>
    private static string DueFilter(DueSlot slot)
    {
        var others = slot.PolicyMinutes.Where(m => m != slot.TenantMinute).ToList();
        var sql = new StringBuilder("tenant_id = @tenant AND next_follow_up IS NOT NULL AND NOT blocked AND NOT follow_ups_stopped AND next_follow_up <= @today ");
        sql.Append("AND (follow_up_until IS NULL OR follow_up_until >= @today) ");
        if (slot.Minute != slot.TenantMinute) sql.Append($"AND follow_up_minute = {slot.Minute} ");
        else if (others.Count > 0) sql.Append($"AND (follow_up_minute IS NULL OR follow_up_minute NOT IN ({string.Join(", ", others)})) ");
        return sql.ToString();
    }

    /// <summary>How many residents are due in the slot.</summary>
    public async Task<int> CountDueAsync(ChatSupportDbContext db, DueSlot slot, CancellationToken ct) =>
        Convert.ToInt32(await PlainSql.ScalarAsync<object>(db, "SELECT COUNT(*) FROM residents WHERE " + DueFilter(slot),
            new { tenant = slot.TenantId, today = slot.Today }, ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The next page of due residents after <paramref name="after"/> (in the caller's transaction). On PostgreSQL the
    /// same statement locks them and moves them on by their rule's interval (an unanswered daily follow-up comes back
    /// tomorrow, a weekly one in a week); on SQLite the caller does that (<see cref="MovesOnDueResidents"/>).
    /// </summary>
    public async Task<List<DueResident>> NextDuePageAsync(ChatSupportDbContext db, DueSlot slot, (DateOnly Day, string Id) after, int pageSize, CancellationToken ct)
    {
        // A row-value comparison, so that PostgreSQL starts each page where the last ended in the index (not from the top).
        var select = "SELECT id, next_follow_up, locale, follow_up_source, follow_up_rule, follow_up_questionnaire, follow_up_every_days FROM residents WHERE "
            + DueFilter(slot) + $"AND (next_follow_up, id) > (@after_day, @after_id) ORDER BY next_follow_up, id LIMIT {pageSize}";
        return await PlainSql.QueryAsync<DueResident>(db, db.UsesSqlite ? select :
            $"WITH page AS ({select} FOR UPDATE), moved AS (UPDATE residents r SET next_follow_up = @today + COALESCE(p.follow_up_every_days, 1) " +
            "FROM page p WHERE r.id = p.id) SELECT * FROM page ORDER BY next_follow_up, id",
            new { tenant = slot.TenantId, today = slot.Today, after_day = after.Day, after_id = after.Id }, ct).ConfigureAwait(false);
    }

    /// <summary>Whether <see cref="NextDuePageAsync"/> moves the residents it reads on by itself (PostgreSQL).</summary>
    public static bool MovesOnDueResidents(ChatSupportDbContext db) => !db.UsesSqlite;

    /// <summary>Records those not yet recorded (a conflict means another run has them) and says how many were new.</summary>
    public async Task<int> RecordDeliveriesAsync(ChatSupportDbContext db, IReadOnlyList<(string Resident, long Batch)> rows, DateOnly day, string kind, CancellationToken ct)
    {
        if (rows.Count == 0) return 0;
        if (!db.UsesSqlite)
            // Two array parameters rather than thousands of scalars.
            return await PlainSql.ExecuteAsync(db,
                "INSERT INTO follow_up_deliveries (resident_id, local_date, kind, batch_id, status) " +
                "SELECT r, @day, @kind, b, 'planned' FROM unnest(@residents, @batches) AS t(r, b) ON CONFLICT DO NOTHING",
                new { residents = rows.Select(r => r.Resident).ToArray(), batches = rows.Select(r => r.Batch).ToArray(), day, kind }, ct).ConfigureAwait(false);
        var values = new StringBuilder();
        var parameters = new DynamicParameters(new { day, kind });
        for (var i = 0; i < rows.Count; i++)
        {
            values.Append(i == 0 ? "" : ", ").Append("(@r").Append(i).Append(", @day, @kind, @b").Append(i).Append(", 'planned')");
            parameters.Add("r" + i, rows[i].Resident);
            parameters.Add("b" + i, rows[i].Batch);
        }
        return await PlainSql.ExecuteAsync(db,
            $"INSERT INTO follow_up_deliveries (resident_id, local_date, kind, batch_id, status) VALUES {values} ON CONFLICT DO NOTHING", parameters, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// A reminder's deliveries (batch <paramref name="reminderBatch"/>, kind <paramref name="kind"/>) for the residents of
    /// the invitation batch who have completed no response since it was sent; says how many.
    /// </summary>
    public Task<int> RecordRemindersAsync(ChatSupportDbContext db, FollowUpBatchRow prompt, long reminderBatch, string kind, CancellationToken ct) =>
        PlainSql.ExecuteAsync(db,
            "INSERT INTO follow_up_deliveries (resident_id, local_date, kind, batch_id, status) " +
            $"SELECT d.resident_id, d.local_date, @kind, @batch, 'planned' {Unanswered} ON CONFLICT DO NOTHING",
            new { kind, batch = reminderBatch, prompt = prompt.Id, sent_at = db.Instant(prompt.SentAt!.Value) }, ct);

    /// <summary>A staff alert "unreachable" for each resident of the invitation batch who has not answered since it was sent (once per resident and day).</summary>
    public Task<int> RaiseUnreachableAsync(ChatSupportDbContext db, FollowUpBatchRow prompt, DateTimeOffset now, CancellationToken ct) =>
        PlainSql.ExecuteAsync(db,
            "INSERT INTO staff_alerts (key, tenant_id, resident_id, questionnaire_id, kind, rule, raised_at, webhook_status, webhook_attempts) " +
            $"SELECT 'unreachable:' || d.resident_id || ':' || @day, @tenant, d.resident_id, @questionnaire, 'unreachable', 'unreachable', @now, 'pending', 0 {Unanswered} " +
            "ON CONFLICT DO NOTHING",
            new
            {
                day = prompt.LocalDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), tenant = prompt.TenantId,
                questionnaire = prompt.Questionnaire, now = db.Instant(now), prompt = prompt.Id, sent_at = db.Instant(prompt.SentAt!.Value),
            }, ct);
}

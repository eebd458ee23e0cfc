using Dapper;
using Microsoft.EntityFrameworkCore;

namespace ChatSupport.Persistence.Stores;

/// <summary>An event of a LINE webhook request as the inbox keeps it (the channel maps LINE's event to this).</summary>
public sealed record InboxEvent(string WebhookEventId, string ConversationKey, string EventType, DateTimeOffset Timestamp, string? ReplyToken, string Payload);

/// <summary>
/// The LINE inbox (<c>line_inbox</c>): events kept by the webhook and worked by the inbox processor, one conversation
/// at a time. The same statements on PostgreSQL and SQLite, except the advisory lock, which only PostgreSQL has (and
/// only PostgreSQL runs several servers).
/// </summary>
public sealed class LineInboxStore
{
    /// <summary>The widths of the columns the webhook fills from LINE's event.</summary>
    private const int EventTypeWidth = 32, ReplyTokenWidth = 128;

    private const string MarkSql =
        "UPDATE line_inbox SET status = @ms, conversation_key = '', payload = NULL, reply_token = NULL, processed_at = @mp, attempts = attempts + 1 WHERE id = @mi AND status = 'pending'";

    /// <summary>
    /// One statement for all events of a request; an event already in the inbox is left as it is. An event type
    /// longer than its column is cut; a reply token longer than LINE's is not kept.
    /// </summary>
    public async Task InsertAsync(ChatSupportDbContext db, string tenantId, IReadOnlyList<InboxEvent> events, DateTimeOffset now, CancellationToken ct)
    {
        var rows = events.Select((_, i) => $"(@t{i}, @w{i}, @c{i}, @y{i}, @s{i}, @r{i}, @k{i}, @p{i}, 'pending', 0)");
        var parameters = new DynamicParameters();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            parameters.Add("t" + i, tenantId);
            parameters.Add("w" + i, e.WebhookEventId);
            parameters.Add("c" + i, e.ConversationKey);
            parameters.Add("y" + i, e.EventType.Length > EventTypeWidth ? e.EventType[..EventTypeWidth] : e.EventType);
            parameters.Add("s" + i, db.Instant(e.Timestamp));
            parameters.Add("r" + i, db.Instant(now));
            parameters.Add("k" + i, e.ReplyToken is { Length: <= ReplyTokenWidth } token ? token : null);
            parameters.Add("p" + i, e.Payload);
        }
        await PlainSql.ExecuteAsync(db,
            "INSERT INTO line_inbox (tenant_id, webhook_event_id, conversation_key, event_type, timestamp, received_at, reply_token, payload, status, attempts) VALUES "
            + string.Join(", ", rows) + " ON CONFLICT (webhook_event_id) DO NOTHING", parameters, ct).ConfigureAwait(false);
    }

    /// <summary>A pending event's conversation and when it arrived.</summary>
    public sealed record PendingEvent(string ConversationKey, DateTimeOffset ReceivedAt);

    /// <summary>The oldest pending events (at most <paramref name="limit"/>), in the order they arrived.</summary>
    public async Task<List<PendingEvent>> PendingAsync(ChatSupportDbContext db, int limit, CancellationToken ct) =>
        await db.LineInbox.AsNoTracking().Where(r => r.Status == "pending").OrderBy(r => r.Id).Take(limit)
            .Select(r => new PendingEvent(r.ConversationKey, r.ReceivedAt)).ToListAsync(ct).ConfigureAwait(false);

    /// <summary>A conversation's next pending event in LINE's timestamp order, or null.</summary>
    public Task<LineInboxRow?> NextAsync(ChatSupportDbContext db, string conversationKey, CancellationToken ct) =>
        db.LineInbox.AsNoTracking().Where(r => r.ConversationKey == conversationKey && r.Status == "pending")
            .OrderBy(r => r.Timestamp).ThenBy(r => r.Id).FirstOrDefaultAsync(ct);

    /// <summary>
    /// In the caller's transaction: the event is still pending and no other server holds its conversation
    /// (PostgreSQL: a transaction-scoped advisory lock on the conversation key, taken without waiting).
    /// </summary>
    public async Task<bool> ClaimAsync(ChatSupportDbContext db, LineInboxRow row, CancellationToken ct)
    {
        var parameters = new { id = row.Id, key = row.ConversationKey };
        // The lock first, then the status in a statement of its own: under READ COMMITTED a statement sees what was
        // committed when it began, so reading the status in the locking statement could miss the other server's commit.
        if (!db.UsesSqlite && await PlainSql.ScalarAsync<object>(db, "SELECT pg_try_advisory_xact_lock(hashtext(@key))", parameters, ct).ConfigureAwait(false) is not true)
            return false;
        return await PlainSql.ScalarAsync<object>(db, "SELECT status FROM line_inbox WHERE id = @id AND conversation_key = @key", parameters, ct).ConfigureAwait(false) is "pending";
    }

    /// <summary>
    /// The event processed (<paramref name="status"/>: done or ignored), in the turn's batch: nothing of the resident is
    /// kept (no JSON, reply token or conversation key), only that it was processed, so a redelivery is still recognised.
    /// It must still be pending at the commit, or the turn rolls back.
    /// </summary>
    public Task MarkAsync(ChatSupportDbContext db, TurnBatch batch, long id, string status, DateTimeOffset now, CancellationToken ct) =>
        batch.ExecuteAsync(MarkSql, new Dictionary<string, object?> { ["@ms"] = status, ["@mp"] = db.Instant(now), ["@mi"] = id }, ct, conflictKey: "line_inbox/" + id);

    /// <summary>A failed attempt counted; the event stays pending.</summary>
    public Task<int> CountAttemptAsync(ChatSupportDbContext db, long id, int attempts, CancellationToken ct) =>
        db.LineInbox.Where(r => r.Id == id && r.Status == "pending").ExecuteUpdateAsync(s => s.SetProperty(r => r.Attempts, attempts), ct);

    /// <summary>An event that failed too often, set aside: nothing of the resident is kept (no JSON, reply token or conversation key).</summary>
    public Task<int> SetAsideAsync(ChatSupportDbContext db, long id, int attempts, CancellationToken ct) =>
        db.LineInbox.Where(r => r.Id == id && r.Status == "pending").ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Attempts, attempts).SetProperty(r => r.Status, "failed").SetProperty(r => r.ConversationKey, "")
            .SetProperty(r => r.Payload, (string?)null).SetProperty(r => r.ReplyToken, (string?)null), ct);
}

namespace ChatSupport.Persistence.Stores;

/// <summary>A turn's messages for one LINE recipient, as the outbox keeps them until LINE accepted them.</summary>
public sealed record OutboxEntry(string TenantId, string Recipient, string RetryKey, string? ReplyToken, DateTimeOffset ReplyBefore, string MessagesJson);

/// <summary>
/// The LINE outbox (<c>line_outbox</c>) as the turn writes it: its statements join the turn's batch, so the messages
/// commit with the turn that decided them (and are sent only after that commit).
/// </summary>
public sealed class LineOutboxStore
{
    public Task AddAsync(ChatSupportDbContext db, TurnBatch batch, OutboxEntry entry, DateTimeOffset now, CancellationToken ct) =>
        batch.ExecuteAsync(
            "INSERT INTO line_outbox (tenant_id, recipient, retry_key, reply_token, reply_before, messages, status, sent_batches, attempts, created_at) " +
            "VALUES (@ot, @or, @ok, @orp, @ob, @om, 'pending', 0, 0, @oc)",
            new Dictionary<string, object?>
            {
                ["@ot"] = entry.TenantId, ["@or"] = entry.Recipient, ["@ok"] = entry.RetryKey, ["@orp"] = entry.ReplyToken,
                ["@ob"] = db.Instant(entry.ReplyBefore), ["@om"] = entry.MessagesJson, ["@oc"] = db.Instant(now),
            }, ct);

    /// <summary>Forgets messages LINE has accepted (by their retry keys), in the turn's batch.</summary>
    public Task ForgetDeliveredAsync(TurnBatch batch, IReadOnlyList<string> retryKeys, CancellationToken ct) =>
        retryKeys.Count == 0 ? Task.CompletedTask : batch.ExecuteAsync(
            $"DELETE FROM line_outbox WHERE retry_key IN ({string.Join(", ", retryKeys.Select((_, i) => "@dk" + i))})",
            retryKeys.Select((k, i) => (Name: "@dk" + i, Value: (object?)k)).ToDictionary(p => p.Name, p => p.Value), ct);
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ChatSupport.Channels.Line;
using ChatSupport.Persistence;
using ChatSupport.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatSupport.Web.Line;

/// <summary>Messages a committed turn decided to send (a row of <c>line_outbox</c>).</summary>
public sealed record OutboxMessage(string TenantId, string Recipient, string RetryKey, string? ReplyToken, DateTimeOffset? ReplyBefore, JsonArray Messages, int SentBatches = 0)
{
    /// <summary>Sent again by the sweep: an earlier send of this row may have reached LINE.</summary>
    public bool IsResend { get; init; }
}

/// <summary>
/// Sends what committed turns decided: with the reply token while it is fresh (free), otherwise (or if LINE refuses
/// the token) by push with the outbox row's retry key, so a retry, a restart or a second server cannot deliver the
/// same messages twice (LINE answers 409 for a key it accepted, which counts as delivered). More than five messages
/// go in several requests, each with its own key derived from the row's. A row is deleted once everything is
/// accepted, in the transaction of a later turn (so an event costs two commits: its inbox insert and its turn), or by
/// the sweep when the inbox is quiet; a row not delivered stays for the sweep, which retries rows left behind (a
/// crash after the commit, LINE unavailable) by push.
/// </summary>
public sealed class LineSender(LineClient client, DatabaseSettings settings, IOptions<LineClientOptions> options, IOptions<LineInboxOptions> inboxOptions,
    FollowUps.MessageBudget budget, TimeProvider clock, ILogger<LineSender> logger)
{
    private readonly ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);
    /// <summary>Rows whose messages LINE accepted, until their deletion commits (the sweep must not send them again).</summary>
    private readonly ConcurrentDictionary<string, byte> _delivered = new(StringComparer.Ordinal);

    public async Task<bool> SendAsync(OutboxMessage m, CancellationToken ct)
    {
        if (!_inFlight.TryAdd(m.RetryKey, 0)) return false;
        try
        {
            var batches = LineMessageRenderer.Pack([.. m.Messages.OfType<JsonObject>()]);
            for (var i = m.SentBatches; i < batches.Count; i++)
            {
                LineResult result;
                var pushed = false;
                if (i == 0 && m.ReplyToken is not null && clock.GetUtcNow() < m.ReplyBefore)
                {
                    result = await client.ReplyAsync(m.TenantId, m.ReplyToken, batches[i], ct);
                    var tries = 1;
                    // No answer (a timeout, a 5xx): the reply may have landed. The same token again tells: LINE refuses a
                    // token that was used, and only this row ever held it.
                    while (!result.Delivered && result.Status is 0 or >= 500 && tries++ < 3 && clock.GetUtcNow() < m.ReplyBefore)
                        result = await client.ReplyAsync(m.TenantId, m.ReplyToken, batches[i], ct);
                    if (result.InvalidReplyToken && (m.IsResend || tries > 1))
                        result = result with { Status = 200 }; // the token was spent by our own earlier attempt: delivered
                    // A token LINE refuses on the first try (expired), or LINE unreachable: the messages go by push.
                    else if (!result.Delivered && (result.InvalidReplyToken || result.Status is 0 or >= 500))
                    {
                        result = await client.PushAsync(m.TenantId, m.Recipient, batches[i], KeyFor(m.RetryKey, i), ct);
                        pushed = result.Delivered;
                    }
                }
                else
                {
                    result = await client.PushAsync(m.TenantId, m.Recipient, batches[i], KeyFor(m.RetryKey, i), ct);
                    pushed = result.Delivered;
                }
                if (!result.Delivered)
                {
                    await FailedAsync(m.RetryKey, i, result, ct);
                    return false;
                }
                if (pushed) await CountPushAsync(m.TenantId, ct);
            }
            _delivered.TryAdd(m.RetryKey, 0);
            return true;
        }
        finally
        {
            _inFlight.TryRemove(m.RetryKey, out _);
        }
    }

    /// <summary>A push costs a message of the tenant's monthly quota (a reply does not): counted with the follow-ups'.</summary>
    private async Task CountPushAsync(string tenantId, CancellationToken ct)
    {
        await using var db = Database.Open(settings.ConnectionString);
        await budget.CountAsync(db, tenantId, 1, ct);
    }

    /// <summary>The retry key of request <paramref name="index"/> of a row: the row's key, then keys derived from it.</summary>
    public static Guid KeyFor(string retryKey, int index)
    {
        if (index == 0) return Guid.Parse(retryKey);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{retryKey}/{index}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x40); // version 4 layout
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    private async Task FailedAsync(string retryKey, int sentBatches, LineResult result, CancellationToken ct)
    {
        // Other 4xx are final (the request itself is wrong, or the user cannot be reached); 429/5xx/timeouts were retried and are tried again later.
        var final = result.Status is >= 400 and < 500 and not 429 and not 409;
        await using var db = Database.Open(settings.ConnectionString);
        await db.LineOutbox.Where(r => r.RetryKey == retryKey).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.SentBatches, sentBatches)
            .SetProperty(r => r.Attempts, r => r.Attempts + 1)
            .SetProperty(r => r.ReplyToken, (string?)null)
            .SetProperty(r => r.Status, final ? "failed" : "pending")
            .SetProperty(r => r.LastError, $"{result.Status} {result.Error} (request id {result.RequestId})"), ct);
        logger.LogWarning("Sending to LINE failed ({Status}, request id {RequestId}); {Outcome}", result.Status, result.RequestId, final ? "given up" : "will retry");
    }

    /// <summary>
    /// Rows of delivered messages to delete in the caller's transaction (a turn's): no commit of their own while turns
    /// are running. Call <see cref="Deleted"/> once that transaction committed.
    /// </summary>
    public IReadOnlyList<string> TakeDelivered(int max = 200) => [.. _delivered.Keys.Take(max)];

    public void Deleted(IEnumerable<string> keys)
    {
        foreach (var key in keys) _delivered.TryRemove(key, out _);
    }

    /// <summary>Deletes the rows of delivered messages that no turn took with it (when the inbox is quiet), in one commit.</summary>
    public async Task FlushDeliveredAsync(CancellationToken ct)
    {
        var keys = TakeDelivered(500);
        if (keys.Count == 0) return;
        await using var db = Database.Open(settings.ConnectionString);
        await db.LineOutbox.Where(r => keys.Contains(r.RetryKey)).ExecuteDeleteAsync(ct);
        Deleted(keys);
    }

    /// <summary>
    /// Sends again what was left behind: pending rows no send can still be working on — older than the longest a send
    /// may take with all its retries (another server's send included), plus a margin — that this process does not hold.
    /// </summary>
    public async Task SweepAsync(CancellationToken ct)
    {
        await FlushDeliveredAsync(ct);
        await using var db = Database.Open(settings.ConnectionString);
        var longestSend = options.Value.Timeout * (options.Value.MaxRetries + 2) * 2; // a reply, then a push
        var before = clock.GetUtcNow() - (inboxOptions.Value.ResendPendingAfter ?? longestSend + TimeSpan.FromSeconds(10));
        var rows = await db.LineOutbox.AsNoTracking().Where(r => r.Status == "pending").OrderBy(r => r.Id).Take(200).ToListAsync(ct);
        var tooOld = clock.GetUtcNow() - inboxOptions.Value.GiveUpSendingAfter;
        foreach (var r in rows.Where(r => r.CreatedAt < before && !_inFlight.ContainsKey(r.RetryKey) && !_delivered.ContainsKey(r.RetryKey)))
        {
            if (r.CreatedAt < tooOld)
            {
                // Advice from hours ago would mislead: given up, and what it said is not kept.
                await db.LineOutbox.Where(x => x.Id == r.Id).ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.Status, "failed").SetProperty(x => x.Messages, "[]").SetProperty(x => x.ReplyToken, (string?)null)
                    .SetProperty(x => x.LastError, "given up: not delivered in time"), ct);
                logger.LogWarning("A LINE message was not delivered in time and is given up");
                continue;
            }
            // The reply token goes along: if an earlier send used it, LINE says so, and nothing is sent twice.
            await SendAsync(new OutboxMessage(r.TenantId, r.Recipient, r.RetryKey, r.ReplyToken, r.ReplyBefore, (JsonArray)JsonNode.Parse(r.Messages)!, r.SentBatches) { IsResend = true }, ct);
        }
    }
}

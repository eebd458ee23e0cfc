using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ChatSupport.Channels;
using ChatSupport.Channels.Line;
using ChatSupport.Persistence;
using ChatSupport.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ChatSupport.Tenants;
using ChatSupport.Residents;

namespace ChatSupport.Web.Line;

/// <summary>Messages a committed turn decided to send (a row of <c>line_outbox</c>).</summary>
public sealed record OutboxMessage(string TenantId, string Recipient, string RetryKey, string? ReplyToken, DateTimeOffset? ReplyBefore, JsonArray Messages, int SentBatches = 0)
{
    /// <summary>Sent again by the sweep: an earlier send of this row may have reached LINE.</summary>
    public bool IsResend { get; init; }
}

/// <summary>
/// Sends what committed turns decided: with the reply token while it is fresh (free), otherwise by push with the
/// outbox row's retry key, so a retry, a restart or a second server cannot deliver the same messages twice (LINE
/// answers 409 for a key it accepted, which counts as delivered). More than five messages go in several requests, each
/// with its own key derived from the row's. A row is deleted once everything is accepted, in the transaction of a
/// later turn (so an event costs two commits: its inbox insert and its turn), or by the sweep when the inbox is quiet.
/// </summary>
/// <remarks>
/// A reply token is used once: LINE refuses it afterwards, and only one outbox row ever holds it. So while the token
/// lives, trying the reply again is always safe and settles the row: accepted (delivered now) or refused as used (an
/// earlier attempt delivered it — ours, another server's, or one made before a crash). A throttled or failing reply is
/// tried again until the token's life ends (honouring Retry-After), with LINE's loading animation meanwhile; then the
/// messages go by push at once. After a restart, a row still pending is settled by its token at once if the token
/// lives; if it does not, nobody can tell whether the reply arrived, and a stale question is worse than none: the
/// messages are sent again (marked as such) only if the conversation is still where that turn left it.
/// </remarks>
public sealed class LineSender(LineClient client, IDbContextFactory<ChatSupportDbContext> contexts, IOptions<LineClientOptions> options, IOptions<LineInboxOptions> inboxOptions,
    IOptionsMonitor<TenantsOptions> tenants, FollowUps.MessageBudget budget, TimeProvider clock, ILogger<LineSender> logger)
{
    private readonly ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);
    /// <summary>Rows whose messages LINE accepted, until their deletion commits (the sweep must not send them again).</summary>
    private readonly ConcurrentDictionary<string, byte> _delivered = new(StringComparer.Ordinal);
    /// <summary>Rows created before this instant were written before this process started: none of its sends holds them.</summary>
    private readonly DateTimeOffset _startedAt = clock.GetUtcNow();
    private long _sweeps;

    /// <summary>Sweeps completed since start (tests wait for one to pass before saying that nothing was sent).</summary>
    public long Sweeps => Interlocked.Read(ref _sweeps);

    public async Task<bool> SendAsync(OutboxMessage m, CancellationToken ct)
    {
        if (!_inFlight.TryAdd(m.RetryKey, 0)) return false;
        try
        {
            var batches = LineMessageRenderer.Pack([.. m.Messages.OfType<JsonObject>()]);
            for (var i = m.SentBatches; i < batches.Count; i++)
            {
                LineResult? result = null;
                var pushed = false;
                if (i == 0 && m.ReplyToken is not null && clock.GetUtcNow() < m.ReplyBefore)
                {
                    var (replied, push) = await ReplyAsync(m, batches[i], ct);
                    if (!push) result = replied;
                }
                if (result is null)
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

    /// <summary>
    /// The first request by reply, tried again while the token lives; Push is true when the messages should go by push
    /// instead (the token's life ended, or it was refused as expired).
    /// </summary>
    private async Task<(LineResult Result, bool Push)> ReplyAsync(OutboxMessage m, IReadOnlyList<JsonObject> messages, CancellationToken ct)
    {
        var unknown = m.IsResend; // an earlier attempt may have used the token
        var loading = false;
        var attempt = 0;
        while (true)
        {
            var result = await client.ReplyAsync(m.TenantId, m.ReplyToken!, messages, ct);
            if (result.Delivered) return (result, false);
            var now = clock.GetUtcNow();
            // Only this row ever held the token: refused while it still lives, it was used, so the messages arrived.
            if (result.InvalidReplyToken)
                return now < m.ReplyBefore || unknown ? (result with { Status = 200 }, false) : (result, true);
            // Another 4xx: the request itself is wrong, and a push of it would be refused as well.
            if (result.Status is not (0 or 429 or >= 500)) return (result, false);
            // No answer or a 5xx: the reply may have landed; the next attempt tells (a used token is refused).
            if (result.Status != 429) unknown = true;
            // Backing off (LINE's Retry-After when longer), so that a LINE in trouble is not hammered (nor the circuit opened).
            var backoff = TimeSpan.FromMilliseconds(Math.Min(Math.Max(options.Value.FirstRetryDelay.TotalMilliseconds, 50) * Math.Pow(2, attempt++), 5000));
            var wait = result.RetryAfter is { } after && after > backoff ? after : backoff;
            if (now + wait >= m.ReplyBefore) return (result, true);
            if (!loading)
            {
                loading = true;
                ShowLoading(m.TenantId, m.Recipient, m.ReplyBefore!.Value - now);
            }
            await Task.Delay(wait, clock, ct);
        }
    }

    /// <summary>LINE's loading animation while a resident waits for a delayed reply (1:1 chats only: user ids start with U).</summary>
    private void ShowLoading(string tenantId, string chatId, TimeSpan upTo)
    {
        if (!chatId.StartsWith('U')) return;
        var seconds = (int)Math.Clamp(Math.Ceiling(upTo.TotalSeconds), 5, 60);
        _ = Task.Run(async () =>
        {
            try { await client.ShowLoadingAsync(tenantId, chatId, seconds, CancellationToken.None); }
            catch (Exception e) { logger.LogScrubbed(LogLevel.Information, e, "LINE's loading animation could not be shown"); }
        }, CancellationToken.None);
    }

    /// <summary>A push costs a message of the tenant's monthly quota (a reply does not): counted with the follow-ups'.</summary>
    private async Task CountPushAsync(string tenantId, CancellationToken ct)
    {
        await using var db = contexts.CreateDbContext();
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
        await using var db = contexts.CreateDbContext();
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
        await using var db = contexts.CreateDbContext();
        await db.LineOutbox.Where(r => keys.Contains(r.RetryKey)).ExecuteDeleteAsync(ct);
        Deleted(keys);
    }

    /// <summary>
    /// Settles what was left behind. A row whose reply token still lives is tried by reply at once (see the remarks
    /// above: that cannot deliver twice), unless this process's own turn is about to send it. Other rows wait until no
    /// send can still be working on them — older than the longest a send may take with all its retries (another
    /// server's included), plus a margin: rows that only ever went by push are pushed again with their retry key;
    /// a row whose reply may or may not have arrived before a crash goes by <see cref="ResendStaleAsync"/>.
    /// </summary>
    public async Task SweepAsync(CancellationToken ct)
    {
        await FlushDeliveredAsync(ct);
        await using var db = contexts.CreateDbContext();
        var now = clock.GetUtcNow();
        var longestSend = options.Value.Timeout * (options.Value.MaxRetries + 2) * 2; // a reply, then a push
        var before = now - (inboxOptions.Value.ResendPendingAfter ?? longestSend + TimeSpan.FromSeconds(10));
        var rows = await db.LineOutbox.AsNoTracking().Where(r => r.Status == "pending").OrderBy(r => r.Id).Take(200).ToListAsync(ct);
        var tooOld = now - inboxOptions.Value.GiveUpSendingAfter;
        foreach (var r in rows.Where(r => !_inFlight.ContainsKey(r.RetryKey) && !_delivered.ContainsKey(r.RetryKey)))
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
            var message = new OutboxMessage(r.TenantId, r.Recipient, r.RetryKey, r.ReplyToken, r.ReplyBefore, (JsonArray)JsonNode.Parse(r.Messages)!, r.SentBatches) { IsResend = true };
            if (r.SentBatches == 0 && r.ReplyToken is not null && now < r.ReplyBefore)
            {
                // A row this process's turn committed a moment ago is sent by that turn (this only avoids a needless request).
                if (r.CreatedAt >= _startedAt && r.CreatedAt > now - TimeSpan.FromSeconds(2)) continue;
                await SendAsync(message, ct);
            }
            else if (r.CreatedAt >= before) continue; // a send may still be working on it
            else if (r.SentBatches > 0 || r.ReplyToken is null) await SendAsync(message with { ReplyToken = null }, ct); // pushes only: their keys make this safe
            else await ResendStaleAsync(db, r, message, ct);
        }
        Interlocked.Increment(ref _sweeps);
    }

    /// <summary>
    /// A reply that may or may not have arrived before a crash, whose token has expired: sending it again as it was
    /// could repeat a question the resident already answered (and answering it again restarts the questionnaire), so it
    /// goes again — by push, saying it is sent again — only if the conversation is still where that turn left it: no
    /// later turn wrote its state (a question still waiting for its answer; or advice, a farewell or an erasure's
    /// confirmation that was the last word, which must not be lost either — an erased conversation has no state at
    /// all). A conversation that moved on gets nothing, and nothing of the row is kept.
    /// </summary>
    private async Task ResendStaleAsync(ChatSupportDbContext db, LineOutboxRow r, OutboxMessage message, CancellationToken ct)
    {
        var key = $"{LineActivityMapper.ChannelId}/conversations/{LineActivityMapper.UserKey(r.TenantId, r.Recipient)}";
        var state = await db.StateDocuments.AsNoTracking().Where(d => d.Key == key).Select(d => new { d.UpdatedAt }).FirstOrDefaultAsync(ct);
        var stillThere = state is null || state.UpdatedAt <= r.CreatedAt;
        if (!stillThere)
        {
            await db.LineOutbox.Where(x => x.Id == r.Id).ExecuteDeleteAsync(ct);
            logger.LogInformation("A LINE reply from before a restart is not sent again: the conversation has moved on");
            return;
        }
        var english = Locales.IsEnglish(tenants.CurrentValue.GetValueOrDefault(r.TenantId)?.Locale);
        var notice = new JsonObject
        {
            ["type"] = "text",
            ["text"] = english
                ? "(Sent again) Our last message may not have reached you, so here it is again."
                : "（再送）前回のメッセージが届いていない可能性があるため、もう一度お送りします。",
        };
        var again = new JsonArray([notice, .. message.Messages.Select(n => n?.DeepClone())]);
        // Written first, so that a push that fails now is retried later as what it became.
        await db.LineOutbox.Where(x => x.Id == r.Id).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.Messages, again.ToJsonString()).SetProperty(x => x.ReplyToken, (string?)null), ct);
        logger.LogInformation("A LINE reply from before a restart is sent again by push: no later turn wrote the conversation");
        await SendAsync(message with { ReplyToken = null, Messages = again }, ct);
    }
}

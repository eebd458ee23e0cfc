using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ChatSupport.Channels;
using ChatSupport.Activities;
using ChatSupport.Channels.Line;
using ChatSupport.Persistence;
using ChatSupport.Persistence.Residents;
using ChatSupport.Persistence.Stores;
using ChatSupport.Questionnaires;
using ChatSupport.Web.Hosting;
using ChatSupport.Web.Turns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ChatSupport.Tenants;
using ChatSupport.Residents;

namespace ChatSupport.Web.Line;

/// <summary>
/// Answers the events of the LINE inbox: each conversation's events one at a time in LINE's timestamp order (events
/// that arrived within <see cref="LineInboxOptions.ReorderWindow"/> of each other are put in order first), several
/// conversations at once. An event's turn, the event marked done and the replies to send commit in one transaction;
/// the replies are sent after the commit. A processed event keeps nothing of the resident (no JSON, reply token or
/// conversation key), only that it was processed, so that a redelivery is still recognised. Unprocessed events are picked up again after a restart. On PostgreSQL an
/// advisory lock per conversation keeps two servers from answering the same conversation at once.
/// </summary>
public sealed class LineInboxProcessor(
    IDbContextFactory<ChatSupportDbContext> contexts, LineInboxStore inbox, LineOutboxStore outboxes, ChatSupport.Web.Questionnaires.QuestionnaireLibrary questionnaires, DatabaseTurnRunner runner, LineSender sender, LineClient client, LineInboxSignal signal,
    IOptionsMonitor<TenantsOptions> tenants, IOptions<QuestionnaireBotOptions> botOptions, IOptions<LineClientOptions> lineOptions,
    IOptions<LineInboxOptions> inboxOptions, ResidentKeys keys, TimeProvider clock, ILogger<LineInboxProcessor> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, Task> _busy = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _notBefore = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Questionnaire, string TimeZoneId, string? Offered), QuestionnaireBotOptions> _tenantBotOptions = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!inboxOptions.Value.ProcessEvents)
        {
            logger.LogInformation("The LINE inbox is not processed here (LineInbox:ProcessEvents is false)");
            return;
        }
        // What a crash left pending is settled first (most of it by its still-living reply token), before newer turns answer.
        var lastSweep = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = TimeSpan.FromSeconds(1);
            try
            {
                if (clock.GetUtcNow() - lastSweep > TimeSpan.FromSeconds(5))
                {
                    lastSweep = clock.GetUtcNow();
                    await sender.SweepAsync(stoppingToken);
                }
                wait = await DispatchAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogScrubbed(LogLevel.Error, e, "The LINE inbox could not be read");
            }
            try
            {
                await signal.WaitAsync(wait, stoppingToken);
                // Workers finish often under load: look at most every 10 ms, not once per finished event.
                await Task.Delay(TimeSpan.FromMilliseconds(10), stoppingToken);
            }
            catch (OperationCanceledException) { break; }
        }
        await Task.WhenAll(_busy.Values).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        // Delivered messages are forgotten before the process goes, so that no restart sends them again.
        try { await sender.FlushDeliveredAsync(CancellationToken.None); }
        catch (Exception e) { logger.LogScrubbed(LogLevel.Warning, e, "Delivered LINE messages could not be cleared at shutdown"); }
    }

    /// <summary>Starts a worker for each conversation with pending events; returns how long to wait before looking again.</summary>
    private async Task<TimeSpan> DispatchAsync(CancellationToken ct)
    {
        await using var db = contexts.CreateDbContext();
        var pending = await inbox.PendingAsync(db, 500, ct);
        var now = clock.GetUtcNow();
        var window = inboxOptions.Value.ReorderWindow;
        var next = TimeSpan.FromSeconds(1);
        foreach (var conversation in pending.GroupBy(p => p.ConversationKey))
        {
            if (_busy.ContainsKey(conversation.Key) || _busy.Count >= inboxOptions.Value.MaxConversationsAtOnce) continue;
            var ready = conversation.Min(p => p.ReceivedAt) + window;
            if (_notBefore.TryGetValue(conversation.Key, out var notBefore))
            {
                if (notBefore > ready) ready = notBefore;
                if (notBefore <= now) _notBefore.TryRemove(conversation.Key, out _);
            }
            if (ready > now)
            {
                if (ready - now < next) next = ready - now;
                continue;
            }
            var key = conversation.Key;
            var worker = new TaskCompletionSource();
            if (!_busy.TryAdd(key, worker.Task)) continue;
            _ = Task.Run(async () =>
            {
                try { await ProcessConversationAsync(key, ct); }
                catch (Exception e) when (!ct.IsCancellationRequested) { logger.LogScrubbed(LogLevel.Error, e, "A LINE conversation could not be processed"); }
                finally
                {
                    _busy.TryRemove(key, out _);
                    worker.SetResult();
                    signal.Notify();
                }
            }, CancellationToken.None);
        }
        return next < TimeSpan.FromMilliseconds(20) ? TimeSpan.FromMilliseconds(20) : next;
    }

    private async Task ProcessConversationAsync(string conversationKey, CancellationToken ct)
    {
        for (var processed = 0; processed < 100 && !ct.IsCancellationRequested; processed++)
        {
            LineInboxRow? row;
            await using (var db = contexts.CreateDbContext())
                row = await inbox.NextAsync(db, conversationKey, ct);
            if (row is null) return;
            if (!await ProcessEventAsync(row, ct)) return; // held by another server, or failed: look again later
        }
    }

    /// <summary>One event; false when it was not processed now (another server holds the conversation, or it failed).</summary>
    private async Task<bool> ProcessEventAsync(LineInboxRow row, CancellationToken ct)
    {
        var tenant = tenants.CurrentValue.GetValueOrDefault(row.TenantId);
        LineEvent? e = null;
        try { if (row.Payload is not null && JsonNode.Parse(row.Payload) is JsonObject o) e = new LineEvent(o); }
        catch (System.Text.Json.JsonException) { }
        try
        {
            if (e is not null && tenant?.Line is not null && e.SourceType is "group" or "room")
                return await GroupChatAsync(row, e, tenant, ct);
            if (e is null || tenant?.Line is null)
                return await SimpleAsync(row, "ignored", null, ct);
            var options = TenantBotOptions(tenant);
            if (LineActivityMapper.ToActivity(e, row.TenantId, tenant.Locale) is { } activity)
                return await TurnAsync(row, e, activity, options, ct);
            return e.Type switch
            {
                "unfollow" when e.UserId is { } user => await SimpleAsync(row, "done", db => db.Residents
                    .Where(r => r.Id == Pseudonym(row.TenantId, user)).ExecuteUpdateAsync(s => s.SetProperty(r => r.Blocked, true), ct), ct),
                "unsend" when e.UserId is { } user && e.UnsentMessageId is { } message =>
                    await SimpleAsync(row, "done", db => ForgetUnsentTextAsync(db, Pseudonym(row.TenantId, user), message, ct), ct),
                _ => await LogIgnoredAsync(row, e, ct),
            };
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogScrubbed(LogLevel.Error, ex, "LINE event {EventType} failed", row.EventType);
            await using var db = contexts.CreateDbContext();
            var attempts = row.Attempts + 1;
            if (attempts >= inboxOptions.Value.MaxAttempts)
                await inbox.SetAsideAsync(db, row.Id, attempts, ct);
            else
            {
                await inbox.CountAttemptAsync(db, row.Id, attempts, ct);
                // The conversation waits (1 s, 2 s, 4 s, …) before the event is tried again; its later events wait behind it.
                _notBefore[row.ConversationKey] = clock.GetUtcNow() + TimeSpan.FromSeconds(Math.Pow(2, attempts - 1));
            }
            return false;
        }
    }

    /// <summary>
    /// LINE asks that an unsent message's content be deleted: where the resident's own words were kept (a free-text or
    /// postal-code answer), they are removed from the answer row and from the response's values. The answer row stays,
    /// so it is still counted; a chosen option or a number is the questionnaire's value, not the message, and stays.
    /// </summary>
    private async Task ForgetUnsentTextAsync(ChatSupportDbContext db, string pseudonym, string messageId, CancellationToken ct)
    {
        var answers = await db.Answers.Where(a => a.ResidentId == pseudonym && a.SourceId == messageId).ToListAsync(ct);
        foreach (var answer in answers)
        {
            var response = await db.Responses.FirstOrDefaultAsync(r => r.Id == answer.ResponseId, ct);
            var type = response is null ? null : questionnaires.Current.Find(response.QuestionnaireId)?.FindQuestion(answer.QuestionId)?.Type;
            if (type is not (QuestionType.Text or QuestionType.PostalCode)) continue;
            answer.ValueText = null;
            if (response?.ValuesJson is { } json && JsonNode.Parse(json) is JsonObject values && values.ContainsKey(answer.QuestionId))
            {
                values[answer.QuestionId] = null;
                response.ValuesJson = values.ToJsonString();
            }
        }
        await db.SaveChangesAsync(ct);
    }

    private async Task<bool> LogIgnoredAsync(LineInboxRow row, LineEvent e, CancellationToken ct)
    {
        logger.LogInformation("LINE event {EventType} ({Mode}) is not answered", e.Type.Length > 32 ? e.Type[..32] : e.Type, e.Mode);
        return await SimpleAsync(row, "ignored", null, ct);
    }

    private string Pseudonym(string tenantId, string userId) => keys.Pseudonym($"{LineActivityMapper.ChannelId}:{LineActivityMapper.UserKey(tenantId, userId)}");

    /// <summary>
    /// The bot's options for a tenant (<see cref="TenantOptions.BotOptions"/>: its questionnaire, time zone and the
    /// questionnaires it offers), made once per distinct setting (they hold the time zone, looked up once).
    /// </summary>
    private QuestionnaireBotOptions TenantBotOptions(TenantOptions tenant)
    {
        var o = botOptions.Value;
        var questionnaire = tenant.DefaultQuestionnaire ?? o.DefaultQuestionnaire;
        var offered = tenant.Questionnaires is { } list ? string.Join('\n', list) : null;
        return _tenantBotOptions.GetOrAdd((questionnaire, tenant.TimeZoneId, offered), _ => tenant.BotOptions(o));
    }

    /// <summary>An event that is not a turn: claim it, do its work, mark it, in one transaction.</summary>
    private async Task<bool> SimpleAsync(LineInboxRow row, string status, Func<ChatSupportDbContext, Task>? work, CancellationToken ct,
        Func<ChatSupportDbContext, TurnBatch, Task>? batched = null)
    {
        await using var db = contexts.CreateDbContext();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!await inbox.ClaimAsync(db, row, ct)) return false;
        if (work is not null) await work(db);
        var batch = new TurnBatch(db);
        if (batched is not null) await batched(db, batch);
        await inbox.MarkAsync(db, batch, row.Id, status, clock.GetUtcNow(), ct);
        await batch.FlushAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    private async Task<bool> TurnAsync(LineInboxRow row, LineEvent e, Activity activity, QuestionnaireBotOptions options, CancellationToken ct)
    {
        OutboxMessage? outbox = null;
        var claimed = false;
        var delivered = sender.TakeDelivered();
        var hooks = new TurnHooks(
            BeforeTurn: async (db, token) =>
            {
                claimed = await inbox.ClaimAsync(db, row, token);
                if (claimed && e.Type == "follow" && e.UserId is { } user)
                    await db.Residents.Where(r => r.Id == Pseudonym(row.TenantId, user)).ExecuteUpdateAsync(s => s.SetProperty(r => r.Blocked, false), token);
                return claimed;
            },
            BeforeCommit: async (db, batch, replies, token) =>
            {
                outbox = null;
                // Still pending when the turn commits, or the turn rolls back and runs again (and then finds it done).
                await inbox.MarkAsync(db, batch, row.Id, "done", clock.GetUtcNow(), token);
                await outboxes.ForgetDeliveredAsync(batch, delivered, token);
                var messages = LineMessageRenderer.Render(replies);
                if (messages.Count == 0) return;
                outbox = await OutboxAsync(db, batch, row, e, messages, token);
            });

        // LINE's loading animation if the resident waits a while: a slow turn, or a reply held up (1:1 chats only).
        using var finished = new CancellationTokenSource();
        if (e.SourceType == "user" && e.UserId is { } chat)
            _ = ShowLoadingLaterAsync(row.TenantId, chat, finished.Token);
        try
        {
            await runner.RunAsync(activity, hooks, ct, options);
            if (!claimed) return false;
            sender.Deleted(delivered);
            if (outbox is not null) await sender.SendAsync(outbox, ct);
            return true;
        }
        finally
        {
            await finished.CancelAsync();
        }
    }

    /// <summary>The messages to send for an event, as an outbox row written in the caller's transaction (see <see cref="LineSender"/>).</summary>
    private async Task<OutboxMessage> OutboxAsync(ChatSupportDbContext db, TurnBatch batch, LineInboxRow row, LineEvent e, IReadOnlyList<JsonObject> messages, CancellationToken ct)
    {
        var replyBefore = e.Timestamp + lineOptions.Value.ReplyTokenLifetime;
        var outbox = new OutboxMessage(row.TenantId, e.ChatId!, Guid.NewGuid().ToString("D"), e.ReplyToken, replyBefore, new JsonArray([.. messages]));
        await outboxes.AddAsync(db, batch, new OutboxEntry(row.TenantId, outbox.Recipient, outbox.RetryKey, e.ReplyToken, replyBefore, outbox.Messages.ToJsonString()),
            clock.GetUtcNow(), ct);
        return outbox;
    }

    /// <summary>
    /// A group or a room: the questionnaire is for one resident at a time (in a group, another member could answer for
    /// them, and everyone would read the answers). Events that can be answered (a message, a postback, the bot joining)
    /// get one short message that the service works in a 1:1 chat with the account; nothing else of the event is kept:
    /// no turn runs, so no state, answer or resident row is written.
    /// </summary>
    private async Task<bool> GroupChatAsync(LineInboxRow row, LineEvent e, TenantOptions tenant, CancellationToken ct)
    {
        var answer = e.Mode != "standby" && e.ReplyToken is not null && e.ChatId is not null && e.Type is "message" or "postback" or "join";
        if (!answer) return await SimpleAsync(row, "ignored", null, ct);
        OutboxMessage? outbox = null;
        var english = Locales.IsEnglish(tenant.Locale);
        var text = english
            ? "This service works in a one-to-one chat with this account, not in groups. Please add the account as a friend and talk to it there."
            : "このサービスは、このアカウントとの1対1のトークでご利用いただけます（グループやトークルームではお答えできません）。友だち追加して、個別のトークからお話しください。";
        if (!await SimpleAsync(row, "done", null, ct, async (db, batch) =>
            outbox = await OutboxAsync(db, batch, row, e, [new JsonObject { ["type"] = "text", ["text"] = text }], ct))) return false;
        if (outbox is not null) await sender.SendAsync(outbox, ct);
        return true;
    }

    private async Task ShowLoadingLaterAsync(string tenantId, string chatId, CancellationToken finished)
    {
        try
        {
            await Task.Delay(lineOptions.Value.LoadingAnimationAfter, finished);
            await client.ShowLoadingAsync(tenantId, chatId, 20, CancellationToken.None);
        }
        catch (OperationCanceledException) { }
    }
}

/// <summary>How the LINE inbox is worked (<c>LineInbox:*</c>).</summary>
public sealed class LineInboxOptions
{
    public const string SectionName = "LineInbox";
    /// <summary>Whether this process answers the inbox (false: it only receives webhooks, another process answers).</summary>
    public bool ProcessEvents { get; set; } = true;
    /// <summary>Events of a conversation that arrive within this time of each other are answered in LINE's timestamp order.</summary>
    public TimeSpan ReorderWindow { get; set; } = TimeSpan.FromMilliseconds(150);
    public int MaxConversationsAtOnce { get; set; } = 16;
    /// <summary>
    /// Messages still pending this long after their turn whose reply token has expired (LINE was unavailable, or the
    /// process stopped before sending) are sent again: by push with their retry key, or, for a reply that may have
    /// arrived, as a marked re-send only if the conversation still waits for it (rows whose token lives are settled at
    /// once, by the token). Default: the longest a send can take with all its retries, plus 10 s, so that no server's
    /// send still in progress is doubled.
    /// </summary>
    public TimeSpan? ResendPendingAfter { get; set; }
    /// <summary>Messages not delivered within this time are given up (and what they said is not kept).</summary>
    public TimeSpan GiveUpSendingAfter { get; set; } = TimeSpan.FromHours(6);
    /// <summary>An event that failed this many times is set aside as failed (and logged).</summary>
    public int MaxAttempts { get; set; } = 5;
}

using ChatSupport.Activities;
using ChatSupport.Bots;
using ChatSupport.Channels;
using ChatSupport.Persistence;
using ChatSupport.Persistence.Residents;
using ChatSupport.Persistence.Stores;
using ChatSupport.Questionnaires;
using ChatSupport.State;
using ChatSupport.Web.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.EntityFrameworkCore;

namespace ChatSupport.Web.Turns;

/// <summary>
/// Runs a turn in one database transaction: conversation and user state (eTag-checked), answers, responses and the
/// follow-up schedule commit together, or not at all. Turns of one conversation run one at a time in this process;
/// across processes, the eTag makes the later one fail, and it is run again on the new state. Replies are returned
/// only from the attempt that committed, so a retried turn never sends twice.
/// </summary>
public sealed class DatabaseTurnRunner(
    IDbContextFactory<ChatSupportDbContext> contexts,
    ChatSupport.Web.Questionnaires.QuestionnaireLibrary questionnaires,
    ResidentKeys keys,
    IOptions<QuestionnaireBotOptions> options,
    ConversationLocks locks,
    TurnMetrics metrics,
    TimeProvider clock,
    ILogger<DatabaseTurnRunner> logger,
    ChatSupport.Web.Questionnaires.QuestionnairePreviews? previews = null) : ITurnRunner
{
    public const int MaxAttempts = 10;

    public Task<IReadOnlyList<Activity>> RunAsync(Activity activity, CancellationToken cancellationToken) => RunAsync(activity, null, cancellationToken);

    /// <summary>A turn with a channel's own work in the same transaction (see <see cref="TurnHooks"/>); hooks may run more than once on retries.</summary>
    public async Task<IReadOnlyList<Activity>> RunAsync(Activity activity, TurnHooks? hooks, CancellationToken cancellationToken, QuestionnaireBotOptions? botOptions = null)
    {
        var started = clock.GetTimestamp();
        var conversationKey = $"{activity.ChannelId}/{activity.Conversation?.Id}";
        using var _ = await locks.AcquireAsync(conversationKey, cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var replies = await RunOnceAsync(activity, hooks, botOptions ?? options.Value, cancellationToken).ConfigureAwait(false);
                metrics.Turn(activity.ChannelId, "committed", clock.GetElapsedTime(started));
                return replies;
            }
            catch (Exception e) when (attempt < MaxAttempts && IsRace(e))
            {
                // Another process wrote this conversation first: run the turn again on its state.
                metrics.Conflict(activity.ChannelId);
                logger.LogInformation("Turn conflict on attempt {Attempt}; running it again on the new state", attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                metrics.Turn(activity.ChannelId, "failed", clock.GetElapsedTime(started));
                logger.LogScrubbed(LogLevel.Error, e, "Turn failed on channel {Channel}", activity.ChannelId); // scrubbed: the message could quote the resident
                throw;
            }
        }
    }

    /// <summary>
    /// Another turn got there first: a stale eTag, a row it inserted first (the resident of two conversations), or a
    /// deadlock the database broke. The transaction rolled back; the turn runs again on the new state.
    /// </summary>
    private static bool IsRace(Exception e) => e switch
    {
        StorageConflictException => true,
        Microsoft.EntityFrameworkCore.DbUpdateException { InnerException: var inner } => IsRace(inner ?? e.GetBaseException()),
        Npgsql.PostgresException p => p.SqlState is "23505" or "40P01" or "40001",
        Microsoft.Data.Sqlite.SqliteException s => s.SqliteErrorCode is 19 or 5 or 6, // constraint, busy, locked
        _ => false,
    };

    private async Task<IReadOnlyList<Activity>> RunOnceAsync(Activity activity, TurnHooks? hooks, QuestionnaireBotOptions botOptions, CancellationToken ct)
    {
        await using var db = contexts.CreateDbContext();
        activity.Timestamp ??= clock.GetUtcNow();
        // The catalog published now; a conversation pinned to an earlier version gets that one from the library.
        return await DatabaseTurn.RunAsync(db, questionnaires.Current, keys, botOptions, clock, activity, cancellationToken: ct, hooks: hooks,
            versions: questionnaires, previews: previews is null ? null : previews.For).ConfigureAwait(false);
    }
}

/// <summary>One turn at a time per conversation in this process (a keyed lock that forgets idle keys).</summary>
public sealed class ConversationLocks
{
    private readonly Dictionary<string, (SemaphoreSlim Gate, int Users)> _gates = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public async Task<IDisposable> AcquireAsync(string key, CancellationToken ct)
    {
        SemaphoreSlim gate;
        lock (_lock)
        {
            var entry = _gates.TryGetValue(key, out var e) ? e : (new SemaphoreSlim(1, 1), 0);
            _gates[key] = (entry.Item1, entry.Item2 + 1);
            gate = entry.Item1;
        }
        try
        {
            await gate.WaitAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            Release(key, gate, entered: false);
            throw;
        }
        return new Releaser(() => Release(key, gate, entered: true));
    }

    private void Release(string key, SemaphoreSlim gate, bool entered)
    {
        if (entered) gate.Release();
        lock (_lock)
        {
            var (g, users) = _gates[key];
            if (users == 1) { _gates.Remove(key); g.Dispose(); }
            else _gates[key] = (g, users - 1);
        }
    }

    private sealed class Releaser(Action release) : IDisposable
    {
        private Action? _release = release;
        public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
    }
}

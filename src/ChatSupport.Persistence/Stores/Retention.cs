using Microsoft.EntityFrameworkCore;

namespace ChatSupport.Persistence.Stores;

/// <summary>How long rows nobody is using are kept (see README, "Retention").</summary>
public sealed record RetentionPolicy(TimeSpan ConversationState, TimeSpan AbandonedResponses, TimeSpan FailedLineRows);

/// <summary>What one run removed.</summary>
public sealed record RetentionResult(long StateDocuments, long Responses, long Answers, long LineInbox, long LineOutbox);

/// <summary>
/// Removes what nobody comes back for, in batches (short transactions, no long lock on a busy table): conversation
/// state, and the user state of callers who never consented, not written for <see cref="RetentionPolicy.ConversationState"/>
/// (an anonymous caller's thousands of conversations among them), responses left in progress with no answer for <see cref="RetentionPolicy.AbandonedResponses"/>
/// (with their answers; completed responses and their answers stay: they are the resident's history and the figures'),
/// and LINE inbox and outbox rows left failed for <see cref="RetentionPolicy.FailedLineRows"/>. The same statements on
/// PostgreSQL and SQLite; instants compared as the model stores them.
/// </summary>
public static class Retention
{
    public const int BatchSize = 2000;

    public static async Task<RetentionResult> RunAsync(IDbContextFactory<ChatSupportDbContext> contexts, RetentionPolicy policy, Residents.ResidentKeys residents, DateTimeOffset now, CancellationToken ct)
    {
        var stateBefore = now - policy.ConversationState;
        var responseBefore = now - policy.AbandonedResponses;
        var lineBefore = now - policy.FailedLineRows;

        var state = await StateAsync(contexts, stateBefore, residents, ct).ConfigureAwait(false);

        long answers = 0;
        var responses = await BatchesAsync(contexts,
            db => db.Responses.Where(r => r.CompletedAt == null && r.StartedAt < responseBefore
                    && !db.Answers.Any(a => a.ResponseId == r.Id && a.AnsweredAt >= responseBefore))
                .Select(r => r.Id).Take(BatchSize),
            async (db, ids) =>
            {
                answers += await db.Answers.Where(a => ids.Contains(a.ResponseId)).ExecuteDeleteAsync(ct).ConfigureAwait(false);
                return await db.Responses.Where(r => ids.Contains(r.Id) && r.CompletedAt == null).ExecuteDeleteAsync(ct).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);

        var inbox = await BatchesAsync(contexts,
            db => db.LineInbox.Where(r => r.Status == "failed" && r.ReceivedAt < lineBefore).Select(r => r.Id).Take(BatchSize),
            (db, ids) => db.LineInbox.Where(r => ids.Contains(r.Id)).ExecuteDeleteAsync(ct), ct).ConfigureAwait(false);
        var outbox = await BatchesAsync(contexts,
            db => db.LineOutbox.Where(r => r.Status == "failed" && r.CreatedAt < lineBefore).Select(r => r.Id).Take(BatchSize),
            (db, ids) => db.LineOutbox.Where(r => ids.Contains(r.Id) && r.Status == "failed").ExecuteDeleteAsync(ct), ct).ConfigureAwait(false);
        return new RetentionResult(state, responses, answers, inbox, outbox);
    }

    /// <summary>
    /// State documents not written since <paramref name="before"/>, walked in key order: every conversation's, and the user
    /// state of callers who never became residents (no consent, so no <c>residents</c> row: an anonymous flood). A
    /// resident's user state (consents, language, whether follow-ups are stopped) is written only when it changes, so
    /// an active resident's can be old: it stays until the resident is erased.
    /// </summary>
    private static async Task<long> StateAsync(IDbContextFactory<ChatSupportDbContext> contexts, DateTimeOffset before, Residents.ResidentKeys residents, CancellationToken ct)
    {
        const string Users = "/users/";
        long total = 0;
        var after = "";
        while (true)
        {
            await using var db = contexts.CreateDbContext();
            await using var transaction = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            var keys = await db.StateDocuments.Where(d => d.UpdatedAt < before && string.Compare(d.Key, after) > 0)
                .OrderBy(d => d.Key).Select(d => d.Key).Take(BatchSize).ToListAsync(ct).ConfigureAwait(false);
            // "{channel}/users/{user}" is the user state of the resident "{channel}:{user}". Callers choose both ids, so two
            // keys may name one pseudonym (a user id with "/users/" in it): a list, never a dictionary that would throw.
            var users = keys.Select(k => (Key: k, At: k.IndexOf(Users, StringComparison.Ordinal))).Where(u => u.At > 0)
                .Select(u => (u.Key, Pseudonym: residents.Pseudonym(string.Concat(u.Key.AsSpan(0, u.At), ":", u.Key.AsSpan(u.At + Users.Length)))))
                .ToList();
            var pseudonyms = users.Select(u => u.Pseudonym).Distinct().ToList();
            var kept = (await db.Residents.Where(r => pseudonyms.Contains(r.Id)).Select(r => r.Id).ToListAsync(ct).ConfigureAwait(false)).ToHashSet();
            var remove = keys.Except(users.Where(u => kept.Contains(u.Pseudonym)).Select(u => u.Key)).ToList();
            if (remove.Count > 0) total += await db.StateDocuments.Where(d => remove.Contains(d.Key) && d.UpdatedAt < before).ExecuteDeleteAsync(ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            if (keys.Count < BatchSize) return total;
            after = keys[^1];
        }
    }

    /// <summary>Selects a batch of keys and deletes them in one transaction, until a batch comes back short.</summary>
    private static async Task<long> BatchesAsync<TKey>(IDbContextFactory<ChatSupportDbContext> contexts, Func<ChatSupportDbContext, IQueryable<TKey>> select,
        Func<ChatSupportDbContext, List<TKey>, Task<int>> delete, CancellationToken ct)
    {
        long total = 0;
        while (true)
        {
            await using var db = contexts.CreateDbContext();
            await using var transaction = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            var keys = await select(db).ToListAsync(ct).ConfigureAwait(false);
            if (keys.Count > 0) total += await delete(db, keys).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            if (keys.Count < BatchSize) return total;
        }
    }
}

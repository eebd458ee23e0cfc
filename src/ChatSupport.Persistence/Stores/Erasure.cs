using Microsoft.EntityFrameworkCore;

namespace ChatSupport.Persistence.Stores;

/// <summary>
/// The resident's "delete my data", from the bot or an administrator: every row that identifies them goes — the
/// state documents of their user and of every conversation they answered in (answers in progress are kept there),
/// answers, responses with their values, the resident row with the channel's user id, follow-up records and staff alerts
/// (acknowledged ones too: the audit log names an alert by its id only, so nothing there leads back once it is gone).
/// Daily figures already aggregated are other tables and stay. On SQLite, deleted rows are overwritten
/// (<see cref="SqliteConnectionSettings"/>) and the WAL is emptied after the commit (<see cref="AfterCommitAsync"/>).
/// </summary>
public static class Erasure
{
    /// <summary>Erases the resident <paramref name="residentId"/> (<c>channel:userId</c>) stored as <paramref name="pseudonym"/>.</summary>
    public static async Task EraseAsync(ChatSupportDbContext db, string residentId, string pseudonym, CancellationToken ct)
    {
        var (channel, user) = Residents.ResidentKeys.Split(residentId);
        var conversations = await db.Responses.Where(r => r.ResidentId == pseudonym && r.ConversationId != null)
            .Select(r => r.ConversationId!).Distinct().ToListAsync(ct).ConfigureAwait(false);
        // A 1:1 channel (LINE) names the conversation after the user: erased even if no response was started in it.
        var documents = conversations.Append(user).Select(c => $"{channel}/conversations/{c}").Append($"{channel}/users/{user}").ToList();
        await db.StateDocuments.Where(d => documents.Contains(d.Key)).ExecuteDeleteAsync(ct).ConfigureAwait(false);
        await db.Answers.Where(a => a.ResidentId == pseudonym).ExecuteDeleteAsync(ct).ConfigureAwait(false);
        await db.Responses.Where(r => r.ResidentId == pseudonym).ExecuteDeleteAsync(ct).ConfigureAwait(false);
        await db.Residents.Where(r => r.Id == pseudonym).ExecuteDeleteAsync(ct).ConfigureAwait(false);
        // Follow-up records and staff alerts name the resident by pseudonym only, but they are the resident's rows too.
        await db.FollowUpDeliveries.Where(d => d.ResidentId == pseudonym).ExecuteDeleteAsync(ct).ConfigureAwait(false);
        await db.StaffAlerts.Where(a => a.ResidentId == pseudonym).ExecuteDeleteAsync(ct).ConfigureAwait(false);
        // Wrong preview codes sent from the resident's account (kept minutes, by pseudonym).
        await db.Set<PreviewAttemptRow>().Where(a => a.Sender == pseudonym).ExecuteDeleteAsync(ct).ConfigureAwait(false);
        // Audit rows written before they named alerts by id only carried the pseudonym as their subject, and the rule:
        // what was done and when stays, about nobody.
        await db.AuditLog.Where(a => a.Subject == pseudonym)
            .ExecuteUpdateAsync(u => u.SetProperty(a => a.Subject, (string?)null).SetProperty(a => a.Details, (string?)null), ct).ConfigureAwait(false);
        db.ErasedSinceCommit = true;
        if (Residents.ResidentKeys.TenantOf(channel, user) is { } tenant)
        {
            // LINE events keep what was written only until they are processed (then nothing of the resident); messages
            // stay until LINE accepted them (the confirmation of this erasure among them), those given up are erased.
            var lineUser = user[(tenant.Length + 1)..];
            await db.LineOutbox.Where(r => r.TenantId == tenant && r.Recipient == lineUser && r.Status == "failed").ExecuteDeleteAsync(ct).ConfigureAwait(false);
        }
        foreach (var tracked in db.ChangeTracker.Entries().ToList()) tracked.State = EntityState.Detached;
    }

    /// <summary>
    /// Call after the transaction that erased a resident committed. On SQLite the erased rows' earlier versions are
    /// still frames of the WAL: a checkpoint (TRUNCATE) copies the overwritten pages into the file and empties the WAL.
    /// Nothing to do on PostgreSQL (its files are the server's, and VACUUM reclaims dead rows).
    /// </summary>
    public static async Task AfterCommitAsync(ChatSupportDbContext db, CancellationToken ct = default)
    {
        if (!db.ErasedSinceCommit) return;
        db.ErasedSinceCommit = false;
        if (!db.UsesSqlite) return;
        await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);", ct).ConfigureAwait(false);
    }
}

using Microsoft.EntityFrameworkCore;

namespace ChatSupport.Persistence.Stores;

/// <summary>
/// The resident's "delete my data": every row that identifies them goes (answers, responses with their values,
/// the resident row with the channel's user id). Daily figures already aggregated are other tables and stay.
/// The conversation and user state documents are deleted through <see cref="State.IStorage"/> by the bot.
/// </summary>
public static class Erasure
{
    public static async Task EraseAsync(ChatSupportDbContext db, string pseudonym, CancellationToken ct)
    {
        await db.Answers.Where(a => a.ResidentId == pseudonym).ExecuteDeleteAsync(ct).ConfigureAwait(false);
        await db.Responses.Where(r => r.ResidentId == pseudonym).ExecuteDeleteAsync(ct).ConfigureAwait(false);
        await db.Residents.Where(r => r.Id == pseudonym).ExecuteDeleteAsync(ct).ConfigureAwait(false);
        foreach (var tracked in db.ChangeTracker.Entries().ToList()) tracked.State = EntityState.Detached;
    }
}

using Microsoft.EntityFrameworkCore;

namespace ChatSupport.Persistence.Stores;

/// <summary>Messages sent per tenant and month (<c>message_usage</c>), one per recipient as LINE counts them.</summary>
public sealed class MessageBudgetStore
{
    public Task<long> UsedAsync(ChatSupportDbContext db, string tenantId, string month, CancellationToken ct) =>
        db.MessageUsage.Where(m => m.TenantId == tenantId && m.Month == month).Select(m => m.Messages).FirstOrDefaultAsync(ct);

    /// <summary>Counts messages sent, in the caller's transaction (one upsert: two servers counting at once both count).</summary>
    public Task<int> CountAsync(ChatSupportDbContext db, string tenantId, string month, long messages, CancellationToken ct) =>
        PlainSql.ExecuteAsync(db,
            "INSERT INTO message_usage (tenant_id, month, messages) VALUES (@t, @m, @n) " +
            "ON CONFLICT (tenant_id, month) DO UPDATE SET messages = message_usage.messages + excluded.messages",
            new { t = tenantId, m = month, n = messages }, ct);
}

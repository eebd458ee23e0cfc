using System.Globalization;
using ChatSupport.State;
using Microsoft.EntityFrameworkCore;

namespace ChatSupport.Persistence.Stores;

/// <summary>
/// <see cref="IStorage"/> on the <c>state_documents</c> table, with the same contract as <see cref="MemoryStorage"/>:
/// the eTag is the row's version; <c>null</c> inserts only if absent, <c>"*"</c> overwrites, any other value updates
/// only that version. Each document is one statement (an insert that does nothing on conflict, or a conditional
/// update), so two turns that read the same version cannot both write. All writes of a call commit together, inside
/// the caller's transaction if there is one.
/// </summary>
public sealed class EfStorage(ChatSupportDbContext db, TimeProvider clock) : IStorage
{
    public async Task<IDictionary<string, StoreItem>> ReadAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
    {
        var rows = await db.StateDocuments.AsNoTracking().Where(d => keys.Contains(d.Key))
            .Select(d => new { d.Key, d.Json, d.Version }).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Key, r => new StoreItem(r.Json, r.Version.ToString(CultureInfo.InvariantCulture)), StringComparer.Ordinal);
    }

    public async Task WriteAsync(IReadOnlyDictionary<string, StoreItem> changes, CancellationToken cancellationToken = default)
    {
        if (changes.Count == 0) return;
        var own = db.Database.CurrentTransaction is null
            ? await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false)
            : null;
        try
        {
            foreach (var (key, item) in changes)
                if (!await WriteOneAsync(key, item, cancellationToken).ConfigureAwait(false))
                    throw new StorageConflictException(key);
            if (own is not null) await own.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (own is not null) await own.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<bool> WriteOneAsync(string key, StoreItem item, CancellationToken ct)
    {
        var now = clock.GetUtcNow().ToUniversalTime();
        // As the model stores instants: timestamptz on PostgreSQL, UTC ticks on SQLite.
        object stamp = db.Database.IsSqlite() ? now.UtcTicks : now;
        switch (item.ETag)
        {
            case null:
                return await db.Database.ExecuteSqlInterpolatedAsync(
                    $"INSERT INTO state_documents (key, json, version, updated_at) VALUES ({key}, {item.Json}, 1, {stamp}) ON CONFLICT (key) DO NOTHING", ct).ConfigureAwait(false) == 1;
            case "*":
                return await db.Database.ExecuteSqlInterpolatedAsync(
                    $"INSERT INTO state_documents (key, json, version, updated_at) VALUES ({key}, {item.Json}, 1, {stamp}) ON CONFLICT (key) DO UPDATE SET json = excluded.json, version = state_documents.version + 1, updated_at = excluded.updated_at", ct).ConfigureAwait(false) == 1;
            default:
                if (!long.TryParse(item.ETag, NumberStyles.None, CultureInfo.InvariantCulture, out var version)) return false;
                return await db.StateDocuments.Where(d => d.Key == key && d.Version == version)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(d => d.Json, item.Json)
                        .SetProperty(d => d.Version, version + 1)
                        .SetProperty(d => d.UpdatedAt, now), ct).ConfigureAwait(false) == 1;
        }
    }

    public async Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default) =>
        await db.StateDocuments.Where(d => keys.Contains(d.Key)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
}

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
/// <remarks>
/// Every turn reads and writes here, so the statements are plain SQL on the context's connection (no query
/// translation, no change tracking): a read of several documents is one statement; on PostgreSQL the writes of one
/// call go in one round trip (a batch), or, given the turn's <see cref="TurnBatch"/>, with the turn's other writes.
/// </remarks>
public sealed class EfStorage(ChatSupportDbContext db, TimeProvider clock, TurnBatch? batch = null) : IStorage
{
    public async Task<IDictionary<string, StoreItem>> ReadAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
    {
        var result = new Dictionary<string, StoreItem>(StringComparer.Ordinal);
        if (keys.Count == 0) return result;
        var names = keys.Select((_, i) => "@k" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        await using var scope = await ConnectionScope.OpenAsync(db, cancellationToken).ConfigureAwait(false);
        await using var command = scope.Command($"SELECT key, json, version FROM state_documents WHERE key IN ({string.Join(", ", names)})");
        foreach (var (name, key) in names.Zip(keys)) command.AddParameter(name, key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            result[reader.GetString(0)] = new StoreItem(reader.GetString(1), reader.GetInt64(2).ToString(CultureInfo.InvariantCulture));
        return result;
    }

    public async Task WriteAsync(IReadOnlyDictionary<string, StoreItem> changes, CancellationToken cancellationToken = default)
    {
        if (changes.Count == 0) return;
        // A version that is not ours cannot match any row: fail before writing anything.
        foreach (var (key, item) in changes)
            if (item.ETag is not (null or "*") && !long.TryParse(item.ETag, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                throw new StorageConflictException(key);
        await using var scope = await ConnectionScope.OpenAsync(db, cancellationToken).ConfigureAwait(false);
        var own = db.Database.CurrentTransaction is null
            ? await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false)
            : null;
        try
        {
            // The turn's batch sends these with its other writes; without one, this call's writes are a batch of their own.
            var writes = batch ?? new TurnBatch(db);
            var at = db.Instant(clock.GetUtcNow());
            foreach (var (key, item) in changes)
                await writes.ExecuteAsync(Statement(item.ETag), Parameters(key, item, at), cancellationToken, conflictKey: key).ConfigureAwait(false);
            if (batch is null) await writes.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (own is not null) await own.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (own is not null) await own.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static string Statement(string? eTag) => eTag switch
    {
        null => "INSERT INTO state_documents (key, json, version, updated_at) VALUES (@key, @json, 1, @at) ON CONFLICT (key) DO NOTHING",
        "*" => "INSERT INTO state_documents (key, json, version, updated_at) VALUES (@key, @json, 1, @at) " +
               "ON CONFLICT (key) DO UPDATE SET json = excluded.json, version = state_documents.version + 1, updated_at = excluded.updated_at",
        _ => "UPDATE state_documents SET json = @json, version = @version + 1, updated_at = @at WHERE key = @key AND version = @version",
    };

    private static Dictionary<string, object?> Parameters(string key, StoreItem item, object at)
    {
        var parameters = new Dictionary<string, object?> { ["@key"] = key, ["@json"] = item.Json, ["@at"] = at };
        if (item.ETag is not (null or "*")) parameters["@version"] = long.Parse(item.ETag, NumberStyles.None, CultureInfo.InvariantCulture);
        return parameters;
    }

    public async Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default) =>
        await db.StateDocuments.Where(d => keys.Contains(d.Key)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
}

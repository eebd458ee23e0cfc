using System.Data;
using System.Data.Common;
using System.Globalization;
using ChatSupport.State;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

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
        await using var scope = await ConnectionScope.OpenAsync(db, cancellationToken).ConfigureAwait(false);
        await using var command = scope.Command();
        var names = new List<string>(keys.Count);
        foreach (var key in keys)
        {
            var name = "@k" + names.Count.ToString(CultureInfo.InvariantCulture);
            names.Add(name);
            Add(command, name, key);
        }
        command.CommandText = $"SELECT key, json, version FROM state_documents WHERE key IN ({string.Join(", ", names)})";
        db.Counter?.Observe(command.CommandText);
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
        if (batch is { IsDeferring: true })
        {
            // Sent with the turn's other writes just before the commit; a conflict fails that flush.
            object at = clock.GetUtcNow().ToUniversalTime();
            foreach (var (key, item) in changes)
            {
                var command = batch.Add(Statement(item.ETag), key);
                AddParameters(command.CreateParameter, command.Parameters, key, item, at);
            }
            return;
        }
        await using var scope = await ConnectionScope.OpenAsync(db, cancellationToken).ConfigureAwait(false);
        var own = db.Database.CurrentTransaction is null
            ? await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false)
            : null;
        try
        {
            var now = clock.GetUtcNow().ToUniversalTime();
            // As the model stores instants: timestamptz on PostgreSQL, UTC ticks on SQLite.
            object stamp = db.Database.IsSqlite() ? now.UtcTicks : now;
            var connection = db.Database.GetDbConnection();
            if (connection.CanCreateBatch && changes.Count > 1)
            {
                await using var batch = connection.CreateBatch();
                batch.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
                foreach (var (key, item) in changes)
                {
                    var command = batch.CreateBatchCommand();
                    command.CommandText = Statement(item.ETag);
                    AddParameters(command.CreateParameter, command.Parameters, key, item, stamp);
                    batch.BatchCommands.Add(command);
                }
                foreach (var command in batch.BatchCommands) db.Counter?.Observe(command.CommandText);
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                foreach (var (command, key) in batch.BatchCommands.Cast<DbBatchCommand>().Zip(changes.Keys))
                    if (command.RecordsAffected != 1) throw new StorageConflictException(key);
            }
            else
            {
                foreach (var (key, item) in changes)
                {
                    await using var command = scope.Command();
                    command.CommandText = Statement(item.ETag);
                    AddParameters(command.CreateParameter, command.Parameters, key, item, stamp);
                    db.Counter?.Observe(command.CommandText);
                    if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
                        throw new StorageConflictException(key);
                }
            }
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

    private static void AddParameters(Func<DbParameter> create, DbParameterCollection parameters, string key, StoreItem item, object stamp)
    {
        void Add(string name, object value)
        {
            var p = create();
            p.ParameterName = name;
            p.Value = value;
            parameters.Add(p);
        }
        Add("@key", key);
        Add("@json", item.Json);
        Add("@at", stamp);
        if (item.ETag is not (null or "*")) Add("@version", long.Parse(item.ETag, NumberStyles.None, CultureInfo.InvariantCulture));
    }

    public async Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default) =>
        await db.StateDocuments.Where(d => keys.Contains(d.Key)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);

    private static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }
}

/// <summary>
/// The context's own connection for plain SQL, opened for the duration if EF has not opened it (outside a
/// transaction), and commands enlisted in the context's transaction if there is one.
/// </summary>
internal sealed class ConnectionScope : IAsyncDisposable
{
    private readonly ChatSupportDbContext _db;
    private readonly bool _opened;

    private ConnectionScope(ChatSupportDbContext db, bool opened) => (_db, _opened) = (db, opened);

    public static async Task<ConnectionScope> OpenAsync(ChatSupportDbContext db, CancellationToken ct)
    {
        var opened = db.Database.GetDbConnection().State != ConnectionState.Open;
        if (opened) await db.Database.OpenConnectionAsync(ct).ConfigureAwait(false);
        return new ConnectionScope(db, opened);
    }

    public DbCommand Command()
    {
        var command = _db.Database.GetDbConnection().CreateCommand();
        command.Transaction = _db.Database.CurrentTransaction?.GetDbTransaction();
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        if (_opened) await _db.Database.CloseConnectionAsync().ConfigureAwait(false);
    }
}

using System.Data.Common;
using ChatSupport.State;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ChatSupport.Persistence.Stores;

/// <summary>
/// The writes of one turn (state documents and answers) gathered and sent to the database in one round trip just
/// before the commit, instead of one round trip each. Only inside a transaction and where the provider has batches
/// (PostgreSQL); elsewhere <see cref="IsDeferring"/> is false and the stores write at once.
/// A conditional state write that matched no row fails the flush with <see cref="StorageConflictException"/>, so the
/// transaction rolls back exactly as if the write had failed when it was made.
/// </summary>
public sealed class TurnBatch(ChatSupportDbContext db)
{
    private DbBatch? _batch;
    private readonly List<string?> _conflictKeys = [];

    public bool IsDeferring => db.Database.CurrentTransaction is not null && db.Database.GetDbConnection().CanCreateBatch;

    /// <summary>The number of statements waiting.</summary>
    public int Count => _conflictKeys.Count;

    /// <summary>Adds a statement; with a conflict key, it must change exactly one row or the flush fails.</summary>
    public DbBatchCommand Add(string sql, string? conflictKey = null)
    {
        _batch ??= db.Database.GetDbConnection().CreateBatch();
        var command = _batch.CreateBatchCommand();
        command.CommandText = sql;
        _batch.BatchCommands.Add(command);
        _conflictKeys.Add(conflictKey);
        return command;
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_batch is null) return;
        await using var batch = _batch;
        var keys = _conflictKeys.ToList();
        _batch = null;
        _conflictKeys.Clear();
        batch.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        foreach (var command in batch.BatchCommands) db.Counter?.Observe(command.CommandText);
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < keys.Count; i++)
            if (keys[i] is { } key && batch.BatchCommands[i].RecordsAffected != 1) throw new StorageConflictException(key);
    }

    /// <summary>
    /// A statement of the turn: added to the batch where it defers, executed at once otherwise. Parameters are
    /// <c>@name</c> → value pairs. With a conflict key, the statement must change exactly one row.
    /// </summary>
    public async Task ExecuteAsync(string sql, IReadOnlyDictionary<string, object?> parameters, CancellationToken cancellationToken, string? conflictKey = null)
    {
        if (IsDeferring)
        {
            var command = Add(sql, conflictKey);
            foreach (var (name, value) in parameters) command.AddParameter(name, value);
            return;
        }
        await using var scope = await ConnectionScope.OpenAsync(db, cancellationToken).ConfigureAwait(false);
        await using var direct = scope.Command(sql);
        foreach (var (name, value) in parameters) direct.AddParameter(name, value);
        if (await direct.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1 && conflictKey is not null)
            throw new StorageConflictException(conflictKey);
    }
}

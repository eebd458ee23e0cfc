using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ChatSupport.Persistence.Stores;

/// <summary><c>@name</c> parameters for plain SQL on commands and batch commands (null is sent as SQL NULL).</summary>
public static class PlainSqlParameters
{
    public static void AddParameter(this DbCommand command, string name, object? value) => Add(command.CreateParameter(), command.Parameters, name, value);

    public static void AddParameter(this DbBatchCommand command, string name, object? value) => Add(command.CreateParameter(), command.Parameters, name, value);

    private static void Add(DbParameter parameter, DbParameterCollection parameters, string name, object? value)
    {
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        parameters.Add(parameter);
    }
}

/// <summary>
/// The context's own connection for plain SQL, opened for the duration if EF has not opened it (outside a
/// transaction), and commands enlisted in the context's transaction if there is one.
/// </summary>
public sealed class ConnectionScope : IAsyncDisposable
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

    /// <summary>A command with this text, in the context's transaction; it reports itself to the context's statement counter.</summary>
    public DbCommand Command(string sql)
    {
        var command = _db.Database.GetDbConnection().CreateCommand();
        command.Transaction = _db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = sql;
        _db.Counter?.Observe(sql);
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        if (_opened) await _db.Database.CloseConnectionAsync().ConfigureAwait(false);
    }
}

using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ChatSupport.Persistence;

/// <summary>
/// What every SQLite connection runs when it opens: <c>secure_delete</c> on, so that deleted rows (an erased resident's
/// answers) are overwritten with zeros instead of lingering in free pages of the file (its WAL is truncated after an
/// erasure: <see cref="Stores.Erasure.AfterCommitAsync"/>). Microsoft.Data.Sqlite's connection string has no such keyword.
/// </summary>
public sealed class SqliteConnectionSettings : DbConnectionInterceptor
{
    public static readonly SqliteConnectionSettings Instance = new();

    private const string Pragmas = "PRAGMA secure_delete = ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}

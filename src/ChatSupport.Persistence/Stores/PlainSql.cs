using System.Data;
using System.Data.Common;
using Dapper;
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

    /// <summary>The context's connection (open while this scope lives).</summary>
    public DbConnection Connection => _db.Database.GetDbConnection();

    /// <summary>A Dapper command with this text and parameters, in the context's transaction; it reports itself to the context's statement counter.</summary>
    public CommandDefinition Definition(string sql, object? parameters, CancellationToken ct)
    {
        _db.Counter?.Observe(sql);
        return new CommandDefinition(sql, parameters, _db.Database.CurrentTransaction?.GetDbTransaction(), cancellationToken: ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_opened) await _db.Database.CloseConnectionAsync().ConfigureAwait(false);
    }
}

/// <summary>
/// Plain SQL through Dapper, on the context's own connection and in its transaction (<see cref="ConnectionScope"/>),
/// each statement reported to the context's statement counter. Parameters are Dapper's (an anonymous object or
/// <see cref="DynamicParameters"/>, named as in the SQL without the <c>@</c>). A row type is a class with a
/// parameterless constructor whose properties are its columns' names in PascalCase (<c>next_follow_up</c> fills
/// <c>NextFollowUp</c>), mapped per row type, so Dapper's global settings (Hangfire uses Dapper too) are left alone.
/// </summary>
public static class PlainSql
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, bool> Mapped = new();

    static PlainSql() => SqlMapper.AddTypeHandler(new DateOnlyHandler());

    public static async Task<int> ExecuteAsync(ChatSupportDbContext db, string sql, object? parameters, CancellationToken ct)
    {
        await using var scope = await ConnectionScope.OpenAsync(db, ct).ConfigureAwait(false);
        return await scope.Connection.ExecuteAsync(scope.Definition(sql, parameters, ct)).ConfigureAwait(false);
    }

    /// <summary>The first column of the first row (null for none or SQL NULL).</summary>
    public static async Task<T?> ScalarAsync<T>(ChatSupportDbContext db, string sql, object? parameters, CancellationToken ct)
    {
        await using var scope = await ConnectionScope.OpenAsync(db, ct).ConfigureAwait(false);
        return await scope.Connection.ExecuteScalarAsync<T>(scope.Definition(sql, parameters, ct)).ConfigureAwait(false);
    }

    public static async Task<List<T>> QueryAsync<T>(ChatSupportDbContext db, string sql, object? parameters, CancellationToken ct)
    {
        MapColumns(typeof(T));
        await using var scope = await ConnectionScope.OpenAsync(db, ct).ConfigureAwait(false);
        return [.. await scope.Connection.QueryAsync<T>(scope.Definition(sql, parameters, ct)).ConfigureAwait(false)];
    }

    private static void MapColumns(Type type)
    {
        if (type.IsPrimitive || type == typeof(string) || !Mapped.TryAdd(type, true)) return;
        SqlMapper.SetTypeMap(type, new CustomPropertyTypeMap(type, (t, column) =>
            t.GetProperty(column.Replace("_", "", StringComparison.Ordinal),
                System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.IgnoreCase)!));
    }

    /// <summary>
    /// A date is sent as <see cref="DateOnly"/> (both providers take it as such) and read from what the provider gives:
    /// PostgreSQL's date as <see cref="DateTime"/>, SQLite's as its <c>yyyy-MM-dd</c> text.
    /// </summary>
    private sealed class DateOnlyHandler : SqlMapper.TypeHandler<DateOnly>
    {
        public override void SetValue(IDbDataParameter parameter, DateOnly value) => parameter.Value = value;

        public override DateOnly Parse(object value) => value switch
        {
            DateOnly day => day,
            DateTime time => DateOnly.FromDateTime(time),
            string text => DateOnly.ParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            _ => throw new InvalidCastException($"A date cannot be read from {value.GetType().Name}."),
        };
    }
}

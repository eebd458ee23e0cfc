using Microsoft.EntityFrameworkCore;

namespace ChatSupport.Persistence;

/// <summary>Chooses the provider from the connection string: PostgreSQL (<c>Host=…</c>) or SQLite (<c>Data Source=…</c>).</summary>
public static class Database
{
    public static bool IsPostgres(string connectionString) =>
        connectionString.Contains("Host=", StringComparison.OrdinalIgnoreCase) || connectionString.Contains("Server=", StringComparison.OrdinalIgnoreCase);

    /// <summary>A context on the given database (the caller disposes it), with optional interceptors (e.g. to count statements).</summary>
    public static ChatSupportDbContext Open(string connectionString, params Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] interceptors) => IsPostgres(connectionString)
        ? new PostgresChatSupportDbContext(new DbContextOptionsBuilder<PostgresChatSupportDbContext>().UseNpgsql(connectionString).AddInterceptors(interceptors).Options)
        : new SqliteChatSupportDbContext(new DbContextOptionsBuilder<SqliteChatSupportDbContext>().UseSqlite(connectionString).AddInterceptors(interceptors).Options);

    /// <summary>Creates the database if needed and applies every migration of its provider.</summary>
    public static async Task MigrateAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var db = Open(connectionString);
        await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
    }
}

using Microsoft.EntityFrameworkCore;

namespace ChatSupport.Persistence;

/// <summary>Chooses the provider from the connection string: PostgreSQL (<c>Host=…</c>) or SQLite (<c>Data Source=…</c>).</summary>
public static class Database
{
    public static bool IsPostgres(string connectionString) =>
        connectionString.Contains("Host=", StringComparison.OrdinalIgnoreCase) || connectionString.Contains("Server=", StringComparison.OrdinalIgnoreCase);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, DbContextOptions> Options = new(StringComparer.Ordinal);

    /// <summary>
    /// A context on the given database (the caller disposes it), with optional interceptors (e.g. to count statements).
    /// Options are built once per connection string: a turn opens a context, and rebuilding them each time costs.
    /// </summary>
    public static ChatSupportDbContext Open(string connectionString, params Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] interceptors)
    {
        if (interceptors.Length > 0) return Create(connectionString, BuildOptions(connectionString, interceptors));
        return Create(connectionString, Options.GetOrAdd(connectionString, cs => BuildOptions(cs, [])));
    }

    private static ChatSupportDbContext Create(string connectionString, DbContextOptions options) => IsPostgres(connectionString)
        ? new PostgresChatSupportDbContext((DbContextOptions<PostgresChatSupportDbContext>)options)
        : new SqliteChatSupportDbContext((DbContextOptions<SqliteChatSupportDbContext>)options);

    private static DbContextOptions BuildOptions(string connectionString, Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] interceptors) => IsPostgres(connectionString)
        ? new DbContextOptionsBuilder<PostgresChatSupportDbContext>().UseNpgsql(connectionString).AddInterceptors(interceptors).Options
        : new DbContextOptionsBuilder<SqliteChatSupportDbContext>().UseSqlite(connectionString).AddInterceptors(interceptors).Options;

    /// <summary>Creates the database if needed and applies every migration of its provider.</summary>
    public static async Task MigrateAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var db = Open(connectionString);
        await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace ChatSupport.Persistence;

/// <summary>Chooses the provider from the connection string: PostgreSQL (<c>Host=…</c>) or SQLite (<c>Data Source=…</c>).</summary>
public static class Database
{
    public static bool IsPostgres(string connectionString) =>
        connectionString.Contains("Host=", StringComparison.OrdinalIgnoreCase) || connectionString.Contains("Server=", StringComparison.OrdinalIgnoreCase);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Func<ChatSupportDbContext>> Pools = new(StringComparer.Ordinal);

    /// <summary>
    /// A context on the given database (the caller disposes it), with optional interceptors (e.g. to count statements).
    /// Without interceptors, contexts come from a pool per connection string: a turn opens a context, and building
    /// one (options, services, change tracker) each time costs more than the turn's own work.
    /// </summary>
    public static ChatSupportDbContext Open(string connectionString, params Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] interceptors)
    {
        var db = interceptors.Length > 0
            ? Create(connectionString, BuildOptions(connectionString, interceptors))
            : Pools.GetOrAdd(connectionString, Pool)();
        // Each SaveChanges inside a turn's transaction would otherwise add SAVEPOINT and RELEASE round trips; a failed
        // statement rolls the whole turn back anyway.
        db.Database.AutoSavepointsEnabled = false;
        db.Counter = interceptors.OfType<StatementCounter>().FirstOrDefault();
        db.ErasedSinceCommit = false;
        return db;
    }

    private static Func<ChatSupportDbContext> Pool(string connectionString)
    {
        if (IsPostgres(connectionString))
        {
            var pool = new PooledDbContextFactory<PostgresChatSupportDbContext>((DbContextOptions<PostgresChatSupportDbContext>)BuildOptions(connectionString, []));
            return pool.CreateDbContext;
        }
        var sqlite = new PooledDbContextFactory<SqliteChatSupportDbContext>((DbContextOptions<SqliteChatSupportDbContext>)BuildOptions(connectionString, []));
        return sqlite.CreateDbContext;
    }

    private static ChatSupportDbContext Create(string connectionString, DbContextOptions options) => IsPostgres(connectionString)
        ? new PostgresChatSupportDbContext((DbContextOptions<PostgresChatSupportDbContext>)options)
        : new SqliteChatSupportDbContext((DbContextOptions<SqliteChatSupportDbContext>)options);

    private static DbContextOptions BuildOptions(string connectionString, Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] interceptors) => IsPostgres(connectionString)
        ? new DbContextOptionsBuilder<PostgresChatSupportDbContext>().UseNpgsql(Tuned(connectionString)).AddInterceptors(interceptors).Options
        : new DbContextOptionsBuilder<SqliteChatSupportDbContext>().UseSqlite(connectionString).AddInterceptors([SqliteConnectionSettings.Instance, .. interceptors]).Options;

    /// <summary>
    /// Connections are returned to the pool without the session reset (a statement of seven commands that PostgreSQL
    /// runs on every checkout): ChatSupport sets no session state. The turn's statements are prepared automatically
    /// (unprepared, they cost about a third of the throughput). A setting in the connection string wins.
    /// </summary>
    public static string Tuned(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase)) builder.NoResetOnClose = true;
        if (!connectionString.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase)) builder.MaxAutoPrepare = 64;
        if (!connectionString.Contains("Auto Prepare Min Usages", StringComparison.OrdinalIgnoreCase)) builder.AutoPrepareMinUsages = 2;
        return builder.ConnectionString;
    }

    /// <summary>Creates the database if needed and applies every migration of its provider.</summary>
    public static async Task MigrateAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var db = Open(connectionString);
        await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        // EF sets WAL only on a database it creates; a file made beforehand (0600, by the host) starts in rollback mode.
        if (db.UsesSqlite) await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);
    }
}

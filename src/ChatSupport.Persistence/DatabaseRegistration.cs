using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ChatSupport.Persistence.Stores;

namespace ChatSupport.Persistence;

/// <summary>
/// The one way to reach the database: <see cref="IDbContextFactory{ChatSupportDbContext}"/>, registered once for the
/// configured provider over a pool of contexts (a turn opens a context, and building one — options, services, change
/// tracker — each time costs more than the turn's own work). Registered with TryAdd, so tests can replace it.
/// </summary>
public static class DatabaseRegistration
{
    /// <summary>
    /// Registers <paramref name="database"/>, the provider's pooled factory, <see cref="IDbContextFactory{ChatSupportDbContext}"/>
    /// and the stores of plain SQL (inbox, outbox, follow-ups, message budget).
    /// A <see cref="StatementCounter"/> registered beforehand counts every statement of every context (tests hold a
    /// turn to its statement budget that way).
    /// </summary>
    public static IServiceCollection AddChatSupportDatabase(this IServiceCollection services, DatabaseConfiguration database)
    {
        services.TryAddSingleton(database);
        services.TryAddSingleton<LineInboxStore>();
        services.TryAddSingleton<LineOutboxStore>();
        services.TryAddSingleton<FollowUpStore>();
        services.TryAddSingleton<MessageBudgetStore>();
        if (database.IsPostgres)
        {
            services.AddPooledDbContextFactory<PostgresChatSupportDbContext>((sp, options) =>
                options.UseNpgsql(Tuned(database.ConnectionString)).AddInterceptors(Counters(sp)));
            services.TryAddSingleton<IDbContextFactory<ChatSupportDbContext>>(sp =>
                new ChatSupportContexts<PostgresChatSupportDbContext>(sp.GetRequiredService<IDbContextFactory<PostgresChatSupportDbContext>>(), sp.GetService<StatementCounter>()));
        }
        else
        {
            services.AddPooledDbContextFactory<SqliteChatSupportDbContext>((sp, options) =>
                options.UseSqlite(database.ConnectionString).AddInterceptors([SqliteConnectionSettings.Instance, .. Counters(sp)]));
            services.TryAddSingleton<IDbContextFactory<ChatSupportDbContext>>(sp =>
                new ChatSupportContexts<SqliteChatSupportDbContext>(sp.GetRequiredService<IDbContextFactory<SqliteChatSupportDbContext>>(), sp.GetService<StatementCounter>()));
        }
        return services;
    }

    private static IInterceptor[] Counters(IServiceProvider services) => services.GetService<StatementCounter>() is { } counter ? [counter] : [];

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
    public static async Task MigrateAsync(this IDbContextFactory<ChatSupportDbContext> contexts, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        // EF sets WAL only on a database it creates; a file made beforehand (0600, by the host) starts in rollback mode.
        if (db.UsesSqlite) await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>
/// Hands out the provider's pooled contexts as <see cref="ChatSupportDbContext"/>, each reset the way the turn path
/// expects: no automatic savepoints (each SaveChanges inside a turn's transaction would otherwise add SAVEPOINT and
/// RELEASE round trips; a failed statement rolls the whole turn back anyway), the registered statement counter, and
/// no erasure pending from the context's previous use.
/// </summary>
internal sealed class ChatSupportContexts<TContext>(IDbContextFactory<TContext> pool, StatementCounter? counter) : IDbContextFactory<ChatSupportDbContext>
    where TContext : ChatSupportDbContext
{
    public ChatSupportDbContext CreateDbContext()
    {
        ChatSupportDbContext db = pool.CreateDbContext();
        db.Database.AutoSavepointsEnabled = false;
        db.Counter = counter;
        db.ErasedSinceCommit = false;
        return db;
    }
}

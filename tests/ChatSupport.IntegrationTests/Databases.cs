using ChatSupport.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ChatSupport.IntegrationTests;

/// <summary>
/// Real databases for the tests: a fresh PostgreSQL database (on the server named by ConnectionStrings__ChatSupport,
/// which `bash infra/test.sh` starts when none is configured) or a fresh SQLite file, migrated, dropped afterwards.
/// Without a PostgreSQL server the tests fail, never skip. Contexts come from the host's own registration
/// (<see cref="DatabaseRegistration.AddChatSupportDatabase"/>) on this database.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _postgresName;
    private readonly string? _sqliteFile;

    private readonly List<ServiceProvider> _services = [];

    private TestDatabase(DatabaseConfiguration configuration, string? postgresName, string? sqliteFile)
    {
        Configuration = configuration;
        _postgresName = postgresName;
        _sqliteFile = sqliteFile;
        Contexts = Register(null);
    }

    public DatabaseConfiguration Configuration { get; }

    public string ConnectionString => Configuration.ConnectionString;

    /// <summary>The value of Database:Provider for a host on this database.</summary>
    public string Provider => Configuration.IsPostgres ? "postgres" : "sqlite";

    /// <summary>Pooled contexts on this database, as the host gets them.</summary>
    public IDbContextFactory<ChatSupportDbContext> Contexts { get; }

    public ChatSupportDbContext Open() => Contexts.CreateDbContext();

    /// <summary>A context whose every statement <paramref name="counter"/> counts (registered as a host would register it).</summary>
    public ChatSupportDbContext Open(StatementCounter counter) => Register(counter).CreateDbContext();

    private IDbContextFactory<ChatSupportDbContext> Register(StatementCounter? counter)
    {
        var services = new ServiceCollection();
        if (counter is not null) services.AddSingleton(counter);
        var provider = services.AddChatSupportDatabase(Configuration).BuildServiceProvider();
        lock (_services) _services.Add(provider);
        return provider.GetRequiredService<IDbContextFactory<ChatSupportDbContext>>();
    }

    public static async Task<TestDatabase> CreateAsync(string provider)
    {
        TestDatabase db;
        if (provider == "postgres")
        {
            var server = Environment.GetEnvironmentVariable("ConnectionStrings__ChatSupport");
            Assert.False(string.IsNullOrEmpty(server),
                "No PostgreSQL: set ConnectionStrings__ChatSupport, or run the tests with `bash infra/test.sh`, which starts a throwaway server.");
            var name = "chatsupport_test_" + Guid.NewGuid().ToString("N")[..12];
            await using (var admin = new NpgsqlConnection(server))
            {
                await admin.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
                await create.ExecuteNonQueryAsync();
            }
            db = new TestDatabase(new DatabaseConfiguration(DatabaseProvider.Postgres, new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString), name, null);
        }
        else
        {
            var file = Path.Combine(Path.GetTempPath(), $"chatsupport-test-{Guid.NewGuid():N}.db");
            db = new TestDatabase(new DatabaseConfiguration(DatabaseProvider.Sqlite, $"Data Source={file};Default Timeout=30"), null, file);
        }
        await db.Contexts.MigrateAsync();
        return db;
    }

    public async ValueTask DisposeAsync()
    {
        List<ServiceProvider> services;
        lock (_services) services = [.. _services];
        foreach (var provider in services) await provider.DisposeAsync();
        if (_postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            var server = Environment.GetEnvironmentVariable("ConnectionStrings__ChatSupport")!;
            await using var admin = new NpgsqlConnection(server);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresName} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
        if (_sqliteFile is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in new[] { _sqliteFile, _sqliteFile + "-wal", _sqliteFile + "-shm" })
                if (File.Exists(f)) File.Delete(f);
        }
    }
}

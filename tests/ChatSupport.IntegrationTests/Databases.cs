using ChatSupport.Persistence;
using Npgsql;

namespace ChatSupport.IntegrationTests;

/// <summary>
/// Real databases for the tests: a fresh PostgreSQL database (on the server named by ConnectionStrings__ChatSupport,
/// which `bash infra/test.sh` starts when none is configured) or a fresh SQLite file, migrated, dropped afterwards.
/// Without a PostgreSQL server the tests fail, never skip.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _postgresName;
    private readonly string? _sqliteFile;

    private TestDatabase(string connectionString, string? postgresName, string? sqliteFile)
    {
        ConnectionString = connectionString;
        _postgresName = postgresName;
        _sqliteFile = sqliteFile;
    }

    public string ConnectionString { get; }

    public ChatSupportDbContext Open() => Database.Open(ConnectionString);

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
            db = new TestDatabase(new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString, name, null);
        }
        else
        {
            var file = Path.Combine(Path.GetTempPath(), $"chatsupport-test-{Guid.NewGuid():N}.db");
            db = new TestDatabase($"Data Source={file};Default Timeout=30", null, file);
        }
        await Database.MigrateAsync(db.ConnectionString);
        return db;
    }

    public async ValueTask DisposeAsync()
    {
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

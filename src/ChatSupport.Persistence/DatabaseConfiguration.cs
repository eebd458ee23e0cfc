namespace ChatSupport.Persistence;

/// <summary>The database engines ChatSupport runs on.</summary>
public enum DatabaseProvider
{
    /// <summary>Embedded, one file (the default: no server to run).</summary>
    Sqlite,
    /// <summary>A PostgreSQL server (production, several hosts).</summary>
    Postgres,
}

/// <summary>
/// Which database ChatSupport uses: the provider from <c>Database:Provider</c> (<c>sqlite</c> or <c>postgres</c>) and
/// the connection string from <c>ConnectionStrings:ChatSupport</c>. The provider is configured, never guessed from the
/// connection string; a connection string that plainly belongs to the other provider is refused at start instead of
/// failing on the first turn.
/// </summary>
public sealed record DatabaseConfiguration(DatabaseProvider Provider, string ConnectionString)
{
    public const string ProviderSetting = "Database:Provider";
    public const string ConnectionStringSetting = "ConnectionStrings:ChatSupport";

    /// <summary>The embedded default: SQLite in ./data, no configuration needed.</summary>
    public const string DefaultConnectionString = "Data Source=data/chatsupport.db";

    public bool IsPostgres => Provider == DatabaseProvider.Postgres;

    /// <summary>
    /// The rule: with no provider, SQLite (so the two-command start needs no configuration; with no connection string
    /// either, the file in ./data). PostgreSQL needs <c>Database:Provider=postgres</c> and a connection string naming
    /// its host. Anything else throws, naming the setting (never printing the connection string: it may hold a password).
    /// </summary>
    public static DatabaseConfiguration Resolve(string? provider, string? connectionString)
    {
        var chosen = provider?.Trim().ToLowerInvariant() switch
        {
            null or "" or "sqlite" => DatabaseProvider.Sqlite,
            "postgres" or "postgresql" => DatabaseProvider.Postgres,
            _ => throw new InvalidOperationException($"{ProviderSetting} is '{provider}', which is not a known provider; set it to sqlite or postgres."),
        };
        var configured = string.IsNullOrWhiteSpace(connectionString) ? null : connectionString;
        if (chosen == DatabaseProvider.Sqlite)
        {
            configured ??= DefaultConnectionString;
            if (!FitsSqlite(configured))
                throw new InvalidOperationException(
                    $"{ProviderSetting} is sqlite{(string.IsNullOrWhiteSpace(provider) ? " (the default when it is not set)" : "")}, but {ConnectionStringSetting} is not a SQLite " +
                    $"connection string (it names a server). For PostgreSQL set {ProviderSetting}=postgres; for SQLite use Data Source=<file>.");
            return new(chosen, configured);
        }
        if (configured is null)
            throw new InvalidOperationException($"{ProviderSetting} is postgres, but {ConnectionStringSetting} is not set; set it to Host=…;Database=….");
        if (!FitsPostgres(configured))
            throw new InvalidOperationException(
                $"{ProviderSetting} is postgres, but {ConnectionStringSetting} is not a PostgreSQL connection string naming a Host. For SQLite set {ProviderSetting}=sqlite.");
        return new(chosen, configured);
    }

    /// <summary>SQLite's builder refuses keywords it does not know (Host, Username, …), and a SQLite string names a file.</summary>
    private static bool FitsSqlite(string connectionString)
    {
        try
        {
            return new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource is { Length: > 0 };
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Npgsql's builder refuses keywords it does not know (Data Source, Mode, …), and a PostgreSQL string names a host.</summary>
    private static bool FitsPostgres(string connectionString)
    {
        try
        {
            return new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Host is { Length: > 0 };
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

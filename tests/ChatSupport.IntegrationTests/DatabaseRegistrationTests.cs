using System.Text.RegularExpressions;
using ChatSupport.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChatSupport.IntegrationTests;

/// <summary>
/// Issue 15, first step: the database is reached only through <see cref="IDbContextFactory{ChatSupportDbContext}"/>,
/// registered once by <see cref="DatabaseRegistration.AddChatSupportDatabase"/> for the provider that
/// <c>Database:Provider</c> names (never guessed from the connection string).
/// </summary>
public sealed class DatabaseRegistrationTests
{
    private static readonly string Root = Path.GetDirectoryName(WebHost.Dialogs)!;

    /// <summary>What opens a database outside the registration: a static opener, a hand-made pool or context, sniffing.</summary>
    private static readonly Regex StaticOpener = new(
        @"\bDatabase\.(Open|IsPostgres|MigrateAsync)\s*\(|new\s+PooledDbContextFactory\b|new\s+(Postgres|Sqlite)ChatSupportDbContext\s*\(|\.Use(Npgsql|Sqlite)\s*\(",
        RegexOptions.Compiled);

    /// <summary>The two files allowed to build options: the registration, and the design-time factories of `dotnet ef`.</summary>
    private static readonly string[] Builders = ["DatabaseRegistration.cs", "DesignTimeFactories.cs"];

    [Fact]
    public void NoSourceFile_OpensTheDatabaseStatically()
    {
        var offending = (
            from file in Directory.EnumerateFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories)
            let relative = Path.GetRelativePath(Root, file).Replace('\\', '/')
            where !relative.Contains("/obj/", StringComparison.Ordinal) && !relative.Contains("/bin/", StringComparison.Ordinal)
                && !relative.Contains("/Migrations/", StringComparison.Ordinal) && !Builders.Contains(Path.GetFileName(file))
            from line in File.ReadLines(file).Select((text, index) => (text, number: index + 1))
            where StaticOpener.IsMatch(line.text)
            select $"{relative}:{line.number}: {line.text.Trim()}").ToList();
        Assert.True(offending.Count == 0, "Contexts come from the injected IDbContextFactory<ChatSupportDbContext>:\n" + string.Join("\n", offending));
        // The scan sees the registration itself, so it would see a call site.
        Assert.Matches(StaticOpener, File.ReadAllText(Path.Combine(Root, "src/ChatSupport.Persistence/DatabaseRegistration.cs")));
    }

    [Fact]
    public void NoStaticMethod_HandsOutAContext()
    {
        var openers = new[] { typeof(ChatSupportDbContext).Assembly, typeof(Web.Hosting.ChatSupportHosting).Assembly }
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.DeclaredOnly))
            .Where(m => typeof(ChatSupportDbContext).IsAssignableFrom(m.ReturnType)
                || (m.ReturnType.IsGenericType && m.ReturnType.GetGenericArguments().Any(typeof(ChatSupportDbContext).IsAssignableFrom)))
            .Select(m => $"{m.DeclaringType!.FullName}.{m.Name}").ToList();
        Assert.Empty(openers);
    }

    public static TheoryData<string, string, string> Refusals => new()
    {
        // Provider, connection string, the setting the refusal names.
        { "sqlite", "Host=db.example.jp;Database=chatsupport;Username=chatsupport;Password=db-password-not-to-print", "Database:Provider" },
        { "", "Host=db.example.jp;Database=chatsupport;Username=chatsupport;Password=db-password-not-to-print", "Database:Provider" },
        { "postgres", "Data Source=data/chatsupport.db", "Database:Provider" },
        { "oracle", "Data Source=data/chatsupport.db", "Database:Provider" },
        { "postgres", "", "ConnectionStrings:ChatSupport" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task AProviderThatIsMissingUnknownOrUnfit_StopsTheStart_NamingTheSetting(string provider, string connectionString, string setting)
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var host = new WebHost(database, settings: new Dictionary<string, string>
        {
            ["Database:Provider"] = provider,
            ["ConnectionStrings:ChatSupport"] = connectionString,
        });

        var error = Record.Exception(() => host.CreateClient());

        Assert.NotNull(error);
        var message = error.ToString();
        Assert.Contains(setting, message, StringComparison.Ordinal);
        Assert.DoesNotContain("db-password-not-to-print", message, StringComparison.Ordinal);
        if (provider == "oracle") Assert.Contains("'oracle'", message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoConfiguration_IsTheEmbeddedDefault_AndThePostgresSampleResolves()
    {
        Assert.Equal(new DatabaseConfiguration(DatabaseProvider.Sqlite, "Data Source=data/chatsupport.db"), DatabaseConfiguration.Resolve(null, null));
        Assert.Equal(new DatabaseConfiguration(DatabaseProvider.Sqlite, "Data Source=/var/lib/x.db"), DatabaseConfiguration.Resolve(null, "Data Source=/var/lib/x.db"));
        Assert.Equal(DatabaseProvider.Postgres, DatabaseConfiguration.Resolve(" PostgreSQL ", "Host=localhost;Database=chatsupport").Provider);
        var sample = new ConfigurationBuilder().AddJsonFile(Path.Combine(Root, "appsettings.sample.json")).Build();
        Assert.True(DatabaseConfiguration.Resolve(sample["Database:Provider"], sample["ConnectionStrings:ChatSupport"]).IsPostgres);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task TheHost_GetsTheConfiguredProvidersPooledContexts_AndARegisteredCounterSeesTheTurn(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var counter = new StatementCounter();
        await using var host = new WebHost(database, services: s => s.AddSingleton(counter));
        var client = host.CreateClient();

        Assert.NotEmpty(await WebHost.SayAsync(client, "開始"));
        Assert.Contains(counter.Statements, s => s.StartsWith("SELECT key, json, version FROM state_documents", StringComparison.Ordinal));

        var contexts = host.Services.GetRequiredService<IDbContextFactory<ChatSupportDbContext>>();
        Assert.Same(contexts, host.Services.GetRequiredService<IDbContextFactory<ChatSupportDbContext>>());
        await using (var db = contexts.CreateDbContext())
        {
            Assert.Equal(provider == "sqlite", db.UsesSqlite);
            Assert.False(db.Database.AutoSavepointsEnabled);
        }
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task APooledContext_ComesBackReset(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        ChatSupportDbContext first;
        await using (var db = database.Open())
        {
            Assert.False(db.Database.AutoSavepointsEnabled);
            db.Database.AutoSavepointsEnabled = true;
            first = db;
        }
        await using var again = database.Open();
        Assert.Same(first, again); // from the pool, not built anew
        Assert.False(again.Database.AutoSavepointsEnabled);
    }

    [Fact]
    public void ARegistrationMadeFirst_IsKept()
    {
        var replacement = new ReplacementContexts();
        using var services = new ServiceCollection()
            .AddSingleton<IDbContextFactory<ChatSupportDbContext>>(replacement)
            .AddChatSupportDatabase(DatabaseConfiguration.Resolve("sqlite", "Data Source=unused.db"))
            .BuildServiceProvider();
        Assert.Same(replacement, services.GetRequiredService<IDbContextFactory<ChatSupportDbContext>>());
    }

    private sealed class ReplacementContexts : IDbContextFactory<ChatSupportDbContext>
    {
        public ChatSupportDbContext CreateDbContext() => throw new NotSupportedException();
    }

    /// <summary>The stores are registered with TryAdd: a test's own, registered first, is the one every service gets.</summary>
    [Fact]
    public void Stores_ComeFromDi_AndATestsOwnRegisteredFirstIsKept()
    {
        var own = new Persistence.Stores.FollowUpStore();
        using var services = new ServiceCollection().AddSingleton(own)
            .AddChatSupportDatabase(DatabaseConfiguration.Resolve("sqlite", "Data Source=stores-test.db")).BuildServiceProvider();
        Assert.Same(own, services.GetRequiredService<Persistence.Stores.FollowUpStore>());
        Assert.NotNull(services.GetService<Persistence.Stores.LineInboxStore>());
        Assert.NotNull(services.GetService<Persistence.Stores.LineOutboxStore>());
        Assert.NotNull(services.GetService<Persistence.Stores.MessageBudgetStore>());
    }
}

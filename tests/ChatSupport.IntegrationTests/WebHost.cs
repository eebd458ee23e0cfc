using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace ChatSupport.IntegrationTests;

/// <summary>The real web host (Program) on a test database, driven over HTTP.</summary>
public sealed class WebHost(TestDatabase database, string? dialogs = null, string? defaultQuestionnaire = null, IReadOnlyDictionary<string, string>? settings = null,
    Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    public const string AdminKey = "admin-key-for-tests-7f3a9c";
    public const string StaffKey = "staff-key-for-tests-1b2c3d";
    public const string OfficialKey = "official-key-for-tests-5e6f7a";
    /// <summary>An official key limited to another tenant (a municipality's own officials).</summary>
    public const string OtherTenantOfficialKey = "official-key-other-tenant-8b9c0d";

    /// <summary>Every log message the host writes, at every level.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Logs { get; } = new();

    public static readonly string Dialogs = Path.Combine(RepoRoot(), "dialogs");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:ChatSupport", database.ConnectionString);
        builder.UseSetting("Database:Provider", database.Provider);
        builder.UseSetting("Residents:PseudonymKey", "web-test-pseudonymisation-key-0123456789");
        builder.UseSetting("Questionnaires:Path", dialogs ?? Dialogs);
        // Tests that are not about jobs run no Hangfire server (a test about them says ChatSupport:Role=all or worker).
        builder.UseSetting("ChatSupport:Role", "web");
        if (defaultQuestionnaire is not null) builder.UseSetting("Questionnaires:DefaultQuestionnaire", defaultQuestionnaire);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) builder.UseSetting(key, value);
        // Keys are configured as SHA-256 hashes; the tests present the keys themselves.
        // Officials' keys sit at 10 and 11, leaving 2… to tests that add keys of their own.
        builder.UseSetting("Access:Keys:11:Tenant", "elsewhere");
        foreach (var (index, (name, role, key)) in new[] { (0, "ops", "admin", AdminKey), (1, "desk", "staff", StaffKey), (10, "governor-office", "official", OfficialKey), (11, "town-hall", "official", OtherTenantOfficialKey) }
            .Select(k => (k.Item1, (k.Item2, k.Item3, k.Item4))))
        {
            builder.UseSetting($"Access:Keys:{index}:Name", name);
            builder.UseSetting($"Access:Keys:{index}:Role", role);
            builder.UseSetting($"Access:Keys:{index}:Sha256", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key))));
        }
        builder.UseEnvironment("Development");
        // No test reaches the internet: every HTTP client of the host (LINE, Bot Connector, alert webhooks) may only call
        // this machine (the LINE mock, a stand-in), so a tenant left on the default https://api.line.me fails loudly.
        builder.ConfigureServices(s => Microsoft.Extensions.DependencyInjection.OptionsServiceCollectionExtensions.ConfigureAll<Microsoft.Extensions.Http.HttpClientFactoryOptions>(s, o =>
            o.HttpMessageHandlerBuilderActions.Add(b => b.AdditionalHandlers.Insert(0, new LoopbackOnlyHandler()))));
        if (services is not null) builder.ConfigureServices(services);
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Trace).AddProvider(new CapturingLoggerProvider(Logs)));
    }

    /// <summary>Sends an activity with deliveryMode expectReplies and returns the reply texts.</summary>
    public static async Task<List<string>> SayAsync(HttpClient client, string text, string conversation = "c1", string? locale = "ja-JP")
    {
        var response = await client.PostAsJsonAsync("/api/messages", Activity(text, conversation, locale));
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        return [.. body!["activities"]!.AsArray().Select(a => (string?)a!["text"] ?? "")];
    }

    public static JsonObject Activity(string text, string conversation = "c1", string? locale = "ja-JP") => new()
    {
        ["type"] = "message",
        ["id"] = Guid.NewGuid().ToString("N"),
        ["channelId"] = "webchat",
        ["deliveryMode"] = "expectReplies",
        ["from"] = new JsonObject { ["id"] = "user-" + conversation },
        ["recipient"] = new JsonObject { ["id"] = "bot" },
        ["conversation"] = new JsonObject { ["id"] = conversation },
        ["locale"] = locale,
        ["text"] = text,
    };

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ChatSupport.sln"))) return dir.FullName;
        throw new InvalidOperationException("ChatSupport.sln not found");
    }

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
}

internal sealed class CapturingLoggerProvider(System.Collections.Concurrent.ConcurrentQueue<string> sink) : Microsoft.Extensions.Logging.ILoggerProvider
{
    public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => new Logger(categoryName, sink);
    public void Dispose() { }

    private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<string> sink) : Microsoft.Extensions.Logging.ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;
        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Enqueue($"{category}: {formatter(state, exception)} {exception}");
    }
}

/// <summary>Refuses any request that would leave this machine (see <see cref="WebHost"/>).</summary>
public sealed class LoopbackOnlyHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        request.RequestUri is { IsLoopback: true } ? base.SendAsync(request, cancellationToken)
            : throw new InvalidOperationException($"A test host tried to reach {request.RequestUri?.Host}: tests call only local stand-ins (the LINE mock), never the internet.");
}

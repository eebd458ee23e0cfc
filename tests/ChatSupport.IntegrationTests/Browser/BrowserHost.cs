using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ChatSupport.IntegrationTests.Browser;

/// <summary>
/// The real ChatSupport host (Program, on a fresh test database) served by Kestrel on 127.0.0.1 at a free port, so
/// that a real browser can load it. <see cref="Fail"/> makes the server answer chosen requests with an error, as a
/// broken server would.
/// </summary>
public sealed class BrowserHost : IAsyncDisposable
{
    private readonly TestDatabase _database;
    private readonly WebHost _host;
    private readonly FailureSwitch _failures;

    private BrowserHost(TestDatabase database, WebHost host, FailureSwitch failures, Uri baseUrl) =>
        (_database, _host, _failures, BaseUrl) = (database, host, failures, baseUrl);

    public Uri BaseUrl { get; }

    public WebHost Host => _host;

    /// <param name="provider">"sqlite" (the embedded default that <c>dotnet run</c> uses) or "postgres".</param>
    public static async Task<BrowserHost> StartAsync(string provider = "sqlite", string? defaultQuestionnaire = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var failures = new FailureSwitch();
        var host = new WebHost(database, defaultQuestionnaire: defaultQuestionnaire, settings: settings,
            services: s => s.AddSingleton(failures).AddSingleton<IStartupFilter, FailureFilter>());
        host.UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
        host.StartServer();
        using var client = host.CreateClient();
        return new BrowserHost(database, host, failures, client.BaseAddress!);
    }

    /// <summary>From now on, requests to <paramref name="path"/> get <paramref name="status"/> (problem details); null stops it.</summary>
    public void Fail(string? path, int status = StatusCodes.Status500InternalServerError) => _failures.Set(path, status);

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _database.DisposeAsync();
    }

    private sealed class FailureSwitch
    {
        private volatile Tuple<string, int>? _failing;

        public void Set(string? path, int status) => _failing = path is null ? null : Tuple.Create(path, status);

        public int? StatusFor(PathString path) => _failing is { } f && path.Equals(f.Item1, StringComparison.OrdinalIgnoreCase) ? f.Item2 : null;
    }

    private sealed class FailureFilter(FailureSwitch failures) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                if (failures.StatusFor(context.Request.Path) is { } status)
                {
                    context.Response.StatusCode = status;
                    await context.Response.WriteAsJsonAsync(new { title = "Failing on purpose (test)", status }, context.RequestAborted);
                    return;
                }
                await nextMiddleware(context);
            });
            next(app);
        };
    }
}

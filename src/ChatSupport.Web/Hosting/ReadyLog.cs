using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using ChatSupport.Web.Jobs;

namespace ChatSupport.Web.Hosting;

/// <summary>
/// One plain line once the host listens: "ChatSupport is ready: open http://localhost:5080/ (the chat page)". The first
/// <c>dotnet run</c> prints nothing for minutes while it restores and builds, and then many lines of Hangfire and the
/// database; this is the one that says where to go. Addresses on every interface are shown as localhost.
/// </summary>
public sealed partial class ReadyLog(IHostApplicationLifetime lifetime, IServer server, IConfiguration configuration, ILogger<ReadyLog> logger)
    : IHostedService
{
    private static readonly HashSet<string> EveryInterface = ["[::]", "0.0.0.0", "+", "*"];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Started is after every hosted service and the server: the addresses are the real ones (port 0 resolved).
        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses.Select(Openable).ToList() ?? [];
            if (addresses.Count == 0) return; // an in-memory test server listens nowhere
            if (HostRoles.RunsWeb(configuration)) Ready(logger, string.Join(", ", addresses.Select(a => a + "/")));
            else WorkerReady(logger, string.Join(", ", addresses.Select(a => a + "/healthz")));
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>"http://[::]:8080" → "http://localhost:8080": an address a browser on this machine can open.</summary>
    public static string Openable(string address)
    {
        var scheme = address.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0) return address;
        var rest = address[(scheme + 3)..];
        var portAt = rest.LastIndexOf(':');
        var host = portAt > 0 && !rest[portAt..].Contains(']') ? rest[..portAt] : rest;
        return EveryInterface.Contains(host) ? address[..(scheme + 3)] + "localhost" + rest[host.Length..] : address;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "ChatSupport is ready: open {Addresses} (the chat page)")]
    private static partial void Ready(ILogger logger, string addresses);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "ChatSupport (worker) is ready: health at {Addresses}")]
    private static partial void WorkerReady(ILogger logger, string addresses);
}

using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using ChatSupport.Web.Hosting;
using ChatSupport.Web.Turns;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChatSupport.IntegrationTests.Security;

/// <summary>
/// Issue 13.3 and 13.6 (f, g): the anonymous Bot Framework endpoint gives each client (an IPv6 client by its /64) a
/// share, refusals are counted in a metric and never audited, and every response carries the security headers.
/// </summary>
public sealed class AnonymousLimitsTests
{
    /// <summary>The test server has no socket: this header plays the client's address, set before anything else runs.</summary>
    private sealed class ClientAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue("X-Test-Client", out var address)) context.Connection.RemoteIpAddress = IPAddress.Parse(address!);
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private static WebHost Host(TestDatabase database, Dictionary<string, string> settings) =>
        new(database, settings: settings, services: s => s.AddSingleton<IStartupFilter, ClientAddressFilter>());

    private static (MeterListener Listener, Func<string, long> Count) ListenToRefusals(WebHost host)
    {
        var meter = host.Services.GetRequiredService<TurnMetrics>().Meter;
        var counts = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) => { if (ReferenceEquals(instrument.Meter, meter) && instrument.Name == RefusalMetrics.InstrumentName) l.EnableMeasurementEvents(instrument); };
        listener.SetMeasurementEventCallback<long>((_, v, tags, _) =>
        {
            var reason = "";
            foreach (var tag in tags) if (tag.Key == "reason") reason = (string)tag.Value!;
            counts.AddOrUpdate(reason, v, (_, c) => c + v);
        });
        listener.Start();
        return (listener, reason => counts.GetValueOrDefault(reason));
    }

    private static async Task<HttpResponseMessage> PostFrom(HttpClient client, string address, string conversation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = JsonContent.Create(WebHost.Activity("開始", conversation)) };
        request.Headers.Add("X-Test-Client", address);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task TheOpenBotFrameworkEndpoint_GivesEachClientItsShare_IPv6ByItsSlash64_AndStoresNothingForRefusals()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var host = Host(database, new() { ["ChatSupport:AnonymousMessagesPerMinute"] = "4" });
        var client = host.CreateClient();
        var (listener, refused) = ListenToRefusals(host);
        using var _ = listener;

        for (var i = 0; i < 4; i++) Assert.Equal(HttpStatusCode.OK, (await PostFrom(client, $"2001:db8:1:2::{i + 1:x}", $"flood-{i}")).StatusCode);
        int perConversation;
        await using (var db = database.Open()) perConversation = await db.StateDocuments.CountAsync() / 4;
        Assert.True(perConversation >= 1);
        // Another address of the same /64 is the same client.
        var over = await PostFrom(client, "2001:db8:1:2:ffff:ffff:ffff:ffff", "flood-over");
        Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
        Assert.Equal("application/problem+json", over.Content.Headers.ContentType?.MediaType);
        Assert.True(over.Headers.RetryAfter is not null, "Retry-After");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostFrom(client, "2001:db8:1:2::1", "flood-over-2")).StatusCode);
        // Another /64, and an IPv4 client, have shares of their own.
        Assert.Equal(HttpStatusCode.OK, (await PostFrom(client, "2001:db8:1:3::1", "other-64")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostFrom(client, "192.0.2.7", "ipv4")).StatusCode);

        await using (var db = database.Open())
        {
            Assert.Equal(6 * perConversation, await db.StateDocuments.CountAsync()); // the refused two stored nothing
            Assert.Equal(0, await db.AuditLog.CountAsync());
        }
        Assert.Equal(2, refused("rate-limit"));
    }

    [Theory]
    [InlineData("2001:db8:abcd:12:1:2:3:4", "2001:db8:abcd:12::/64")]
    [InlineData("2001:db8:abcd:12::9", "2001:db8:abcd:12::/64")]
    [InlineData("::ffff:192.0.2.1", "192.0.2.1")]
    [InlineData("192.0.2.1", "192.0.2.1")]
    public void ClientPartition_GroupsIPv6By64_AndMapsIPv4(string address, string partition) =>
        Assert.Equal(partition, ClientPartition.Of(IPAddress.Parse(address)));

    [Fact]
    public async Task ARefusedOpenDataRequest_IsCounted_NotAudited()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var host = Host(database, new() { ["Tenants:kanagawa:TimeZoneId"] = "Asia/Tokyo", ["ChatSupport:OpenDataRequestsPerMinute"] = "5" });
        var client = host.CreateClient();
        var (listener, refused) = ListenToRefusals(host);
        using var _ = listener;

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/open-data/daily?tenant=kanagawa&from=2026-11-01&to=2026-11-02");
            request.Headers.Add("X-Test-Client", "2001:db8:9:9::" + (i + 1));
            statuses.Add((await client.SendAsync(request)).StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.NotFound, 5), HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal((5, 2), (refused("unpublished"), refused("rate-limit")));
        await using var db = database.Open();
        Assert.Equal(0, await db.AuditLog.CountAsync());
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/app.js")]
    [InlineData("/api/questionnaires")]
    [InlineData("/healthz")]
    [InlineData("/api/staff/alerts")]
    public async Task EveryResponse_CarriesTheSecurityHeaders(string path)
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var host = new WebHost(database);
        var response = await host.CreateClient().GetAsync(path);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
    }

    /// <summary>The chat page works under its policy: it loads only its own files, and nothing inline.</summary>
    [Fact]
    public async Task TheChatPage_HasNoInlineScriptOrStyle_AndLoadsOnlyItsOwnFiles()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var host = new WebHost(database);
        var page = await host.CreateClient().GetStringAsync("/");
        Assert.DoesNotMatch(@"<script(?![^>]*\bsrc=)[^>]*>", page);
        Assert.DoesNotContain("<style", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"\sstyle\s*=", page);
        Assert.DoesNotMatch(@"\son[a-z]+\s*=", page);
        Assert.DoesNotMatch(@"(src|href)\s*=\s*""(https?:)?//", page);
    }

    [Fact]
    public async Task OverHttpsOutsideDevelopment_HstsIsSent()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var host = new WebHost(database, settings: new Dictionary<string, string> { ["Residents:PseudonymKey"] = "Rk3v9QmZ2xW7pL4tN8bY6cJ1hF5gD0sA" });
        await using var production = host.WithWebHostBuilder(b => b.UseEnvironment("Production"));
        var client = production.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://chatsupport.example.jp") });
        var response = await client.GetAsync("/healthz");
        Assert.StartsWith("max-age=", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));
    }
}

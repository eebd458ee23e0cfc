using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChatSupport.IntegrationTests;

public sealed class AccessTests
{
    private static HttpRequestMessage Erase(string? key) => new(HttpMethod.Post, "/api/admin/residents/erase")
    {
        Headers = { Authorization = key is null ? null : new AuthenticationHeaderValue("Bearer", key) },
        Content = System.Net.Http.Json.JsonContent.Create(new { channelId = "webchat", userId = "user-c1" }),
    };

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("not-a-configured-key", HttpStatusCode.Unauthorized)]
    [InlineData(WebHost.StaffKey, HttpStatusCode.Forbidden)]
    public async Task AdminEndpoint_RefusesWithoutTheAdminRole(string? key, HttpStatusCode expected)
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var host = new WebHost(database);
        Assert.Equal(expected, (await host.CreateClient().SendAsync(Erase(key))).StatusCode);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/api/questionnaires")]
    [InlineData("/")]
    public async Task OpenEndpoints_NeedNoKey(string path)
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var host = new WebHost(database);
        Assert.Equal(HttpStatusCode.OK, (await host.CreateClient().GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task TheApiDescription_NeedsAStaffKey()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var host = new WebHost(database);
        var client = host.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/openapi/v1.json")).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", WebHost.StaffKey) } };
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
    }

    /// <summary>Closed by default: the endpoints open without a key are exactly these (the LINE webhook is signed); any new endpoint needs a key unless opened here.</summary>
    [Fact]
    public async Task OnlyThePageListHealthAndApiDescription_AreOpen_AndTheChannelHasItsOwnPolicy()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var host = new WebHost(database);
        _ = host.CreateClient();
        var endpoints = host.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>().ToList();
        var open = endpoints.Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null)
            .Select(e => e.RoutePattern.RawText!).Order().ToList();
        // The LINE webhook has no key: LINE authenticates it with the signature, checked before anything else (LineWebhookTests).
        // The open data serves only published, suppressed figures; the data dictionary describes them (DailyFiguresTests).
        Assert.Equal(["/api/open-data/daily", "/api/questionnaires", "/api/reports/dictionary", "/healthz", "/readyz", "/webhooks/line/{tenantId}"], open);
        // The channel endpoint is guarded by the Bot Connector's policy (open only while no app id is configured).
        var messages = endpoints.Single(e => e.RoutePattern.RawText == "/api/messages");
        Assert.Contains(messages.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>(), a => a.Policy == "BotConnector");
        Assert.Contains(endpoints, e => e.RoutePattern.RawText!.StartsWith("/api/admin/", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task AdminErasure_RemovesEveryIdentifyingRow_AndIsAudited(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = new WebHost(database);
        var client = host.CreateClient();
        foreach (var say in new[] { "開始", "同意する", "今日から", "無し", "52" }) await WebHost.SayAsync(client, say);

        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(Erase(WebHost.AdminKey))).StatusCode);

        await using var db = database.Open();
        Assert.Equal(0, await db.Answers.CountAsync());
        Assert.Equal(0, await db.Responses.CountAsync());
        Assert.Equal(0, await db.Residents.CountAsync());
        Assert.Empty(await db.StateDocuments.Where(d => d.Key.Contains("user-c1") || d.Key.Contains("/conversations/c1")).ToListAsync());
        var audit = await db.AuditLog.SingleAsync();
        Assert.Equal(("ops", "erasure"), (audit.Actor, audit.Action));
        Assert.Null(audit.Subject);
    }
}

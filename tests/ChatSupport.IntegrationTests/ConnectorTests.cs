using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ChatSupport.IntegrationTests;

/// <summary>Without expectReplies, replies go to the Bot Connector's REST API at the activity's serviceUrl.</summary>
public sealed class ConnectorTests
{
    /// <summary>A local stand-in for the Bot Connector that records what it is sent (real HTTP through Kestrel).</summary>
    private sealed class FakeConnector : IAsyncDisposable
    {
        private readonly WebApplication _app;
        public ConcurrentQueue<(string Path, JsonNode Body)> Received { get; } = new();
        public string Url { get; }

        public ConcurrentQueue<string?> Authorizations { get; } = new();
        public int TokenRequests;

        private FakeConnector(WebApplication app, string url) { _app = app; Url = url; }

        public static async Task<FakeConnector> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            FakeConnector? self = null;
            app.MapPost("/v3/conversations/{conversationId}/activities/{replyToId}", async (HttpContext http) =>
            {
                var raw = http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget;
                self!.Authorizations.Enqueue(http.Request.Headers.Authorization.ToString());
                self!.Received.Enqueue((raw, (await JsonNode.ParseAsync(http.Request.Body))!));
                return Results.Ok(new { id = Guid.NewGuid().ToString("N") });
            });
            // A stand-in for the app's token endpoint (client credentials).
            app.MapPost("/token", async (HttpContext http) =>
            {
                var form = await http.Request.ReadFormAsync();
                Interlocked.Increment(ref self!.TokenRequests);
                return form["grant_type"] == "client_credentials" && form["client_id"] == "app-1" && form["client_secret"] == "secret-1"
                    ? Results.Json(new { access_token = "token-for-app-1", expires_in = 3600, token_type = "Bearer" })
                    : Results.Unauthorized();
            });
            await app.StartAsync();
            var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return self = new FakeConnector(app, url);
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }

    [Fact]
    public async Task Replies_ArePostedToTheConversationOnTheServiceUrl()
    {
        await using var connector = await FakeConnector.StartAsync();
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var host = new WebHost(database, settings: new Dictionary<string, string> { ["BotFramework:AllowedServiceUrls:0"] = connector.Url });
        var activity = WebHost.Activity("開始", conversation: "conv/with space");
        activity.Remove("deliveryMode");
        activity["serviceUrl"] = connector.Url + "/";
        activity["id"] = "incoming-1";

        var response = await host.CreateClient().PostAsJsonAsync("/api/messages", activity);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        var (path, body) = Assert.Single(connector.Received);
        Assert.Equal("/v3/conversations/conv%2Fwith%20space/activities/incoming-1", path);
        Assert.Equal("message", (string?)body["type"]);
        Assert.Equal("incoming-1", (string?)body["replyToId"]);
        Assert.Equal("conv/with space", (string?)body["conversation"]!["id"]);
        Assert.Contains("同意いただける場合", (string?)body["text"]);
    }

    [Fact]
    public async Task WithAnAppId_RepliesCarryTheAppsToken_FetchedOnceAndKept()
    {
        await using var connector = await FakeConnector.StartAsync();
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var host = new WebHost(database, settings: new Dictionary<string, string>
        {
            ["BotFramework:MicrosoftAppId"] = "app-1",
            ["BotFramework:MicrosoftAppPassword"] = "secret-1",
            ["BotFramework:TokenEndpoint"] = connector.Url + "/token",
        });
        // The incoming side is exercised in BotConnectorAuthenticationTests; here the outgoing token alone.
        var sender = host.Services.GetRequiredService<ChatSupport.Channels.BotFramework.ConnectorClient>();
        var incoming = new ChatSupport.Activities.Activity { Id = "in-1", ServiceUrl = connector.Url, Conversation = new("c1") };
        await sender.SendAsync(new Uri(connector.Url), incoming, ChatSupport.Activities.Activity.CreateMessageActivity("一"), CancellationToken.None);
        await sender.SendAsync(new Uri(connector.Url), incoming, ChatSupport.Activities.Activity.CreateMessageActivity("二"), CancellationToken.None);
        Assert.All(connector.Authorizations, a => Assert.Equal("Bearer token-for-app-1", a));
        Assert.Equal(2, connector.Authorizations.Count);
        Assert.Equal(1, connector.TokenRequests);
    }
}

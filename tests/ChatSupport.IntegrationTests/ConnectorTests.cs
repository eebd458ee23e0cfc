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
                self!.Received.Enqueue((raw, (await JsonNode.ParseAsync(http.Request.Body))!));
                return Results.Ok(new { id = Guid.NewGuid().ToString("N") });
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
        await using var host = new WebHost(database);
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
}

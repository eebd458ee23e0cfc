using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace ChatSupport.IntegrationTests;

/// <summary>
/// Where an anonymous caller's <c>serviceUrl</c> may send the host (the outside review's critical and high findings):
/// nowhere but the allow-list, never to the host itself, never through a spelling that hides a loopback address.
/// </summary>
public sealed class ServiceUrlTests
{
    private static JsonObject Callback(string serviceUrl, string conversation = "c1")
    {
        var activity = WebHost.Activity("開始", conversation);
        activity.Remove("deliveryMode");
        activity["serviceUrl"] = serviceUrl;
        return activity;
    }

    private static int OpenDescriptors() => Directory.GetFiles("/proc/self/fd").Length;

    /// <summary>
    /// The request that took the host down: its own endpoint, with a '#' that turned the appended path into a fragment.
    /// Refused at once; a later request is the barrier after which the descriptors are counted.
    /// </summary>
    [Fact]
    public async Task AReplyToTheHostsOwnEndpoint_IsRefusedAtOnce_AndNoDescriptorsPileUp()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var host = new WebHost(database);
        host.UseKestrel(0);
        host.StartServer();
        using var client = host.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(10);
        var own = client.BaseAddress!;
        await WebHost.SayAsync(client, "開始", conversation: "warm-up");
        var before = OpenDescriptors();

        foreach (var url in new[] { $"http://127.0.0.1:{own.Port}/api/messages#", $"http://127.0.0.1:{own.Port}/api/messages", $"{own.Scheme}://{own.Authority}" })
        {
            var response = await client.PostAsJsonAsync("/api/messages", Callback(url));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
        await WebHost.SayAsync(client, "開始", conversation: "barrier");
        Assert.InRange(OpenDescriptors(), 0, before + 10);
    }

    /// <summary>Even an allow-list that names the host itself cannot make it post to itself.</summary>
    [Fact]
    public async Task TheHostsOwnAddress_IsRefused_EvenWhenAllowed()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        var port = FreePort();
        await using var host = new WebHost(database, settings: new Dictionary<string, string> { ["BotFramework:AllowedServiceUrls:0"] = $"http://127.0.0.1:{port}" });
        host.UseKestrel(port);
        host.StartServer();
        using var client = host.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(10);
        var response = await client.PostAsJsonAsync("/api/messages", Callback($"http://127.0.0.1:{port}/api/messages"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("own address", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]);
    }

    /// <summary>
    /// Every spelling of a loopback address the review tried is refused with an empty allow-list, and nothing connects
    /// to the port behind it (a refusal comes before any send, so the responses are the barrier).
    /// </summary>
    [Fact]
    public async Task EverySpellingOfLoopback_IsRefused_AndNothingConnects()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var listener6 = new TcpListener(IPAddress.IPv6Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        listener6.Start();
        var p = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var host = new WebHost(database);
        var client = host.CreateClient();
        string[] spellings =
        [
            $"http://127.0.0.1:{p}", $"http://localhost:{p}", $"http://0x7f000001:{p}", $"http://2130706433:{p}", $"http://127.1:{p}",
            $"http://[::ffff:127.0.0.1]:{p}", $"http://user@127.0.0.1:{p}", $"http://[::1]:{p}", $"http://0177.0.0.1:{p}",
            $"https://127.0.0.1:{p}/", $"http://127.0.0.1:{p}/x?y=1", $"http://127.0.0.1:{p}/#",
        ];
        foreach (var url in spellings)
        {
            var response = await client.PostAsJsonAsync("/api/messages", Callback(url));
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.False(listener.Pending(), "something connected to the IPv4 loopback listener");
        Assert.False(listener6.Pending(), "something connected to the IPv6 loopback listener");
    }

    /// <summary>The Emulator's address on the allow-list gets its replies; the same address with user info or a fragment does not.</summary>
    [Fact]
    public async Task AnAllowedAddress_GetsReplies_ButNotWithUserInfoOrAFragment()
    {
        var received = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var emulator = builder.Build();
        emulator.MapPost("/{**path}", (Microsoft.AspNetCore.Http.HttpRequest r) =>
        {
            received.Enqueue(r.Path);
            return Microsoft.AspNetCore.Http.Results.Ok(new { id = "1" });
        });
        await emulator.StartAsync();
        var p = new Uri(emulator.Urls.First()).Port;
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var host = new WebHost(database, settings: new Dictionary<string, string> { ["BotFramework:AllowedServiceUrls:0"] = $"http://127.0.0.1:{p}/emulator" });
        var client = host.CreateClient();

        foreach (var url in new[] { $"http://user@127.0.0.1:{p}/emulator", $"http://127.0.0.1:{p}/emulator#", $"http://127.0.0.1:{p}/other", $"http://127.0.0.1:{p}/emulatorx" })
            Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/api/messages", Callback(url))).StatusCode);
        Assert.Empty(received);

        var accepted = await client.PostAsJsonAsync("/api/messages", Callback($"http://127.0.0.1:{p}/emulator/"));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.NotEmpty(received);
        Assert.All(received, path => Assert.StartsWith("/emulator/v3/conversations/c1/activities/", path));
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

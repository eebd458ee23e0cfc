using System.Text.Json.Nodes;
using ChatSupport.Channels.Line;
using ChatSupport.Tests.Line;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ChatSupport.Tenants;

namespace ChatSupport.IntegrationTests.Line;

/// <summary>The Messaging API client over real HTTP against the mock: endpoints, retry keys, what is retried and what is not, rate limits.</summary>
public sealed class LineClientTests
{
    private static (ServiceProvider Services, LineClient Client) Client(LineApiMock mock, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Tenants:t1:Line:ChannelSecret"] = "secret",
            ["Tenants:t1:Line:ChannelAccessToken"] = LineTenant.Token,
            ["Tenants:t1:Line:ApiBaseUrl"] = mock.BaseUrl.ToString(),
            ["Line:FirstRetryDelay"] = "00:00:00.020",
        };
        foreach (var (k, v) in extra ?? []) settings[k] = v;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddOptions<TenantsOptions>().BindConfiguration(TenantsOptions.SectionName);
        services.AddOptions<LineClientOptions>().BindConfiguration(LineClientOptions.SectionName);
        services.AddLineClient();
        var provider = services.BuildServiceProvider();
        return (provider, provider.GetRequiredService<LineClient>());
    }

    private static List<JsonObject> Hello => [new JsonObject { ["type"] = "text", ["text"] = "こんにちは" }];

    [Fact]
    public async Task Push_Multicast_Profile_Loading_AndQuota_ReachTheirEndpoints()
    {
        await using var mock = await LineApiMock.StartAsync(LineTenant.Token);
        var (services, client) = Client(mock);
        await using var scope = services;
        const string user = "U0123456789abcdef0123456789abcdef";
        Assert.True((await client.PushAsync("t1", user, Hello, Guid.NewGuid())).Delivered);
        Assert.True((await client.MulticastAsync("t1", [user, "Uffffffffffffffffffffffffffffffff"], Hello, Guid.NewGuid())).Delivered);
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = client.MulticastAsync("t1", [.. Enumerable.Range(0, 501).Select(i => $"U{i:x32}")], Hello, Guid.NewGuid()); });
        var (profile, body) = await client.GetProfileAsync("t1", user);
        Assert.Equal(200, profile.Status);
        Assert.Equal(user, (string?)body!["userId"]);
        Assert.Equal(202, (await client.ShowLoadingAsync("t1", user, 7)).Status);
        Assert.Equal(10, (int)mock.Requests.Single(r => r.Path == "/v2/bot/chat/loading/start").Body!["loadingSeconds"]!); // a multiple of 5
        var (quota, quotaBody) = await client.GetQuotaAsync("t1");
        Assert.NotNull(quotaBody);
        Assert.Equal(200, quota.Status);
        Assert.All(mock.Requests, r => Assert.NotNull(r.Headers.GetValueOrDefault("Authorization")));
        Assert.Empty(mock.SpecViolations);
    }

    [Fact]
    public async Task AnAcceptedRetryKey_Is409_AndCountsAsDelivered_AndOther4xxAreNotRetried()
    {
        await using var mock = await LineApiMock.StartAsync(LineTenant.Token);
        var (services, client) = Client(mock);
        await using var scope = services;
        var key = Guid.NewGuid();
        Assert.Equal(200, (await client.PushAsync("t1", "U0123456789abcdef0123456789abcdef", Hello, key)).Status);
        var again = await client.PushAsync("t1", "U0123456789abcdef0123456789abcdef", Hello, key);
        Assert.Equal(409, again.Status);
        Assert.True(again.Delivered);
        Assert.NotNull(again.AcceptedRequestId);

        // An invalid request (here: a spent reply token) is answered 400 once, not retried.
        Assert.True((await client.ReplyAsync("t1", "token-1", Hello)).Delivered);
        var spent = await client.ReplyAsync("t1", "token-1", Hello);
        Assert.True(spent.InvalidReplyToken);
        Assert.Equal(2, mock.Requests.Count(r => r.Path == "/v2/bot/message/reply"));
    }

    [Fact]
    public async Task FiveHundreds_AreRetried_UntilAccepted()
    {
        await using var mock = await LineApiMock.StartAsync(LineTenant.Token);
        var (services, client) = Client(mock);
        await using var scope = services;
        mock.FailNext("/v2/bot/message/push", 500, times: 2);
        var result = await client.PushAsync("t1", "U0123456789abcdef0123456789abcdef", Hello, Guid.NewGuid());
        Assert.True(result.Delivered);
        Assert.Equal([500, 500, 200], mock.Requests.Select(r => r.Status));
        Assert.Single(mock.Requests.Select(r => r.Headers["X-Line-Retry-Key"]).Distinct());
    }

    [Fact]
    public async Task TheRateLimit_SpacesRequestsOfAnEndpoint()
    {
        await using var mock = await LineApiMock.StartAsync(LineTenant.Token);
        var (services, client) = Client(mock, new() { ["Line:RateLimits:push"] = "2" });
        await using var scope = services;
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => client.PushAsync("t1", "U0123456789abcdef0123456789abcdef", Hello, Guid.NewGuid())));
        // A bucket of 2 refilled with 2 a second: 2 at once, 2 at the next refill, the fifth a whole period after that.
        var at = mock.Requests.Select(r => r.At).Order().ToList();
        Assert.Equal(5, at.Count);
        Assert.True(at[4] - at[0] >= TimeSpan.FromSeconds(0.9), $"5 pushes within {at[4] - at[0]}");
        Assert.All(mock.Requests, r => Assert.Equal(200, r.Status));
    }

    /// <summary>No answer in time is a result (status 0) the sender can act on, not an exception escaping the client.</summary>
    [Fact]
    public async Task ATimeout_IsAResult_NotAnException()
    {
        await using var mock = await LineApiMock.StartAsync(LineTenant.Token);
        var (services, client) = Client(mock, new() { ["Line:Timeout"] = "00:00:00.300", ["Line:MaxRetries"] = "1" });
        await using var scope = services;
        mock.Delay = TimeSpan.FromSeconds(2);
        var result = await client.PushAsync("t1", "U0123456789abcdef0123456789abcdef", Hello, Guid.NewGuid());
        Assert.Equal(0, result.Status);
        Assert.False(result.Delivered);
    }

    /// <summary>One tenant's outage opens its own circuit, not the other tenants'.</summary>
    [Fact]
    public async Task OneTenantsOutage_DoesNotStopTheOthers()
    {
        await using var mock = await LineApiMock.StartAsync(LineTenant.Token);
        var (services, client) = Client(mock, new()
        {
            ["Tenants:down:Line:ChannelSecret"] = "s", ["Tenants:down:Line:ChannelAccessToken"] = LineTenant.Token,
            ["Tenants:down:Line:ApiBaseUrl"] = "http://127.0.0.1:9", // nothing listens
            ["Line:MaxRetries"] = "1", ["Line:Timeout"] = "00:00:00.500",
        });
        await using var scope = services;
        for (var i = 0; i < 25; i++)
            Assert.False((await client.PushAsync("down", "U0123456789abcdef0123456789abcdef", Hello, Guid.NewGuid())).Delivered);
        Assert.True((await client.PushAsync("t1", "U0123456789abcdef0123456789abcdef", Hello, Guid.NewGuid())).Delivered);
    }
}

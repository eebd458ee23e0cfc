using ChatSupport.Channels.Line;
using Microsoft.Extensions.DependencyInjection;

namespace ChatSupport.IntegrationTests;

/// <summary>The test host's HTTP clients reach only this machine: a tenant left on LINE's real address fails at once.</summary>
public sealed class NoInternetTests
{
    [Fact]
    public async Task TheLineClient_OfATestHost_CannotReachApiLineMe()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        using var host = new WebHost(database);
        var http = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(LineClient.HttpClientName);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => http.GetAsync(LineChannelOptions.DefaultApiBaseUrl + "/v2/bot/info"));
        Assert.Contains("api.line.me", refused.Message);
    }
}

namespace ChatSupport.IntegrationTests;

/// <summary>
/// The first <c>dotnet run</c> is quiet for minutes while it restores and builds; once the host is up it says so in one
/// plain line with the address to open (the point 21), among Hangfire's and EF Core's lines.
/// </summary>
public sealed class ReadyLogTests
{
    [Fact]
    public async Task OnceListening_TheHostLogsThatItIsReady_WithTheAddressToOpen()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var host = new WebHost(database);
        host.UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
        host.StartServer();
        using var client = host.CreateClient();
        var address = client.BaseAddress!.GetLeftPart(UriPartial.Authority);

        Assert.Contains(host.Logs, l => l.Contains($"ChatSupport is ready: open {address}/ (the chat page)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://[::]:8080", "http://localhost:8080")]
    [InlineData("http://0.0.0.0:5080", "http://localhost:5080")]
    [InlineData("http://+:80", "http://localhost:80")]
    [InlineData("https://*:443", "https://localhost:443")]
    [InlineData("http://127.0.0.1:5080", "http://127.0.0.1:5080")]
    [InlineData("http://localhost:5080", "http://localhost:5080")]
    public void AnAddressOnEveryInterface_IsShownAsOneABrowserCanOpen(string listening, string shown) =>
        Assert.Equal(shown, ChatSupport.Web.Hosting.ReadyLog.Openable(listening));
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatSupport.IntegrationTests;

/// <summary>With BotFramework:MicrosoftAppId set, /api/messages needs a Bot Connector JWT, checked against OpenID metadata.</summary>
public sealed class BotConnectorAuthenticationTests : IAsyncLifetime
{
    private const string AppId = "app-0b7e1c";
    private const string Issuer = "https://api.botframework.com";
    private const string ServiceUrl = "https://smba.example.invalid/apac/";
    private readonly RsaSecurityKey _signingKey = new(RSA.Create(2048)) { KeyId = "key-1" };
    private WebApplication? _metadata;
    private string _metadataUrl = "";

    /// <summary>A local OpenID metadata endpoint and JWKS, as login.botframework.com serves them.</summary>
    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _metadata = builder.Build();
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_signingKey.Rsa.ExportParameters(false)) { KeyId = "key-1" });
        _metadata.MapGet("/v1/.well-known/openidconfiguration", (HttpContext http) => Results.Json(new
        {
            issuer = Issuer,
            jwks_uri = $"{http.Request.Scheme}://{http.Request.Host}/v1/keys",
            id_token_signing_alg_values_supported = new[] { "RS256" },
        }));
        _metadata.MapGet("/v1/keys", () => Results.Json(new { keys = new[] { new { kty = jwk.Kty, use = "sig", kid = jwk.Kid, n = jwk.N, e = jwk.E } } }));
        await _metadata.StartAsync();
        _metadataUrl = _metadata.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/v1/.well-known/openidconfiguration";
    }

    public async Task DisposeAsync()
    {
        if (_metadata is not null) await _metadata.DisposeAsync();
    }

    private string Token(string audience = AppId, string issuer = Issuer, SecurityKey? key = null, string? serviceUrl = ServiceUrl) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Expires = DateTime.UtcNow.AddMinutes(10),
            Claims = serviceUrl is null ? new Dictionary<string, object>() : new Dictionary<string, object> { ["serviceurl"] = serviceUrl },
            SigningCredentials = new SigningCredentials(key ?? _signingKey, SecurityAlgorithms.RsaSha256),
        });

    private async Task<HttpStatusCode> PostAsync(string? token)
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var host = new WebHost(database, settings: new Dictionary<string, string>
        {
            ["BotFramework:MicrosoftAppId"] = AppId,
            ["BotFramework:OpenIdMetadataUrl"] = _metadataUrl,
        });
        var activity = WebHost.Activity("開始");
        activity["serviceUrl"] = ServiceUrl;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = JsonContent.Create(activity) };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (await host.CreateClient().SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task AValidConnectorToken_IsAccepted() => Assert.Equal(HttpStatusCode.OK, await PostAsync(Token()));

    [Fact]
    public async Task NoToken_Is401() => Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(null));

    [Fact]
    public async Task ATokenForAnotherApp_Is401() => Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(Token(audience: "someone-else")));

    [Fact]
    public async Task ATokenFromAnotherIssuer_Is401() => Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(Token(issuer: "https://evil.example.invalid")));

    [Fact]
    public async Task ATokenSignedWithAnotherKey_Is401() =>
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(Token(key: new RsaSecurityKey(RSA.Create(2048)) { KeyId = "key-1" })));

    [Fact]
    public async Task ATokenForAnotherServiceUrl_Is401() =>
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(Token(serviceUrl: "https://elsewhere.example.invalid/")));

    [Fact]
    public async Task ATokenWithoutAServiceUrl_Is401() => Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(Token(serviceUrl: null)));

    [Fact]
    public async Task AStaffKey_IsNoConnectorToken() => Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(WebHost.AdminKey));
}

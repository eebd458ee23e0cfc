using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace ChatSupport.Channels.BotFramework;

/// <summary>
/// The Bot Connector's token on incoming activities (<c>BotFramework:*</c>). With a <see cref="MicrosoftAppId"/>,
/// every request must carry a JWT signed with a key from the OpenID metadata, issued by a valid issuer, for this
/// app; without one the endpoint is open, as the Bot Framework Emulator expects.
/// </summary>
public sealed class BotFrameworkOptions
{
    public const string SectionName = "BotFramework";
    public string? MicrosoftAppId { get; set; }
    public string OpenIdMetadataUrl { get; set; } = "https://login.botframework.com/v1/.well-known/openidconfiguration";
    public List<string> ValidIssuers { get; set; } = ["https://api.botframework.com"];
    /// <summary>The app's secret, for the token that replies to the Bot Connector carry (from the environment or user-secrets).</summary>
    public string? MicrosoftAppPassword { get; set; }
    public string TokenEndpoint { get; set; } = "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token";
    public string TokenScope { get; set; } = "https://api.botframework.com/.default";

    /// <summary>Channels with an endpoint of their own, refused here so that nobody speaks as their residents.</summary>
    public List<string> ReservedChannels { get; set; } = ["line"];

    /// <summary>
    /// With no app id, the only addresses replies are posted to (for example the Bot Framework Emulator's
    /// <c>http://localhost:53000</c>); empty by default, so an anonymous caller gets replies only with <c>expectReplies</c>.
    /// </summary>
    public List<string> AllowedServiceUrls { get; set; } = [];

    /// <summary>How long one reply to the Bot Connector may take.</summary>
    public TimeSpan ReplyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool RequiresToken => !string.IsNullOrWhiteSpace(MicrosoftAppId);
}

public static class BotConnectorAuthentication
{
    public const string Scheme = "BotConnector";
    public const string Policy = "BotConnector";

    public static IServiceCollection AddBotConnectorAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(BotFrameworkOptions.SectionName).Get<BotFrameworkOptions>() ?? new BotFrameworkOptions();
        services.AddOptions<BotFrameworkOptions>().BindConfiguration(BotFrameworkOptions.SectionName);
        services.AddAuthentication().AddJwtBearer(Scheme, jwt =>
        {
            jwt.MetadataAddress = options.OpenIdMetadataUrl;
            // Plain HTTP metadata only on this machine (tests, a local emulator); anywhere else it must be HTTPS.
            jwt.RequireHttpsMetadata = !Uri.TryCreate(options.OpenIdMetadataUrl, UriKind.Absolute, out var u) || !u.IsLoopback;
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                ValidIssuers = options.ValidIssuers,
                ValidateAudience = true,
                ValidAudience = options.MicrosoftAppId,
                ValidateLifetime = true,
                ClockSkew = TimeSpan.FromMinutes(5),
                RequireSignedTokens = true,
                ValidateIssuerSigningKey = true,
            };
        });
        // Decided per request from the current options: a token is needed exactly when an app id is configured.
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.AddAuthenticationSchemes(Scheme).RequireAssertion(context =>
            context.Resource is not Microsoft.AspNetCore.Http.HttpContext http
            || !http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<BotFrameworkOptions>>().CurrentValue.RequiresToken
            || context.User.Identity?.IsAuthenticated == true));
        return services;
    }
}

using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ChatSupport.Web.Access;

/// <summary>
/// Staff, officials and administrators call the APIs with a key sent as <c>Authorization: Bearer …</c> (or as the
/// password of Basic authentication, for the dashboard in a browser). Keys are
/// configured only as SHA-256 hashes (<c>Access:Keys</c>), so the configuration holds no usable secret, and are
/// compared in constant time.
/// </summary>
public sealed class AccessOptions
{
    public const string SectionName = "Access";
    public List<ApiKey> Keys { get; set; } = [];

    public sealed class ApiKey
    {
        public string Name { get; set; } = "";
        public string Role { get; set; } = "";
        /// <summary>Limits the key to one tenant's alerts and follow-ups (e.g. a municipality's staff); empty for every tenant.</summary>
        public string? Tenant { get; set; }
        /// <summary>Hex SHA-256 of the key (e.g. <c>printf %s "$KEY" | sha256sum</c>).</summary>
        public string Sha256 { get; set; } = "";
    }
}

/// <summary>Role names and the policies endpoints declare; an administrator may do what staff and officials do.</summary>
public static class Roles
{
    public const string Staff = "staff";
    public const string Official = "official";
    public const string Admin = "admin";
    public static readonly string[] All = [Staff, Official, Admin];
    public const string TenantClaim = "chatsupport/tenant";

    /// <summary>The one tenant a key is limited to, or null for a key of every tenant.</summary>
    public static string? TenantOf(ClaimsPrincipal user) => user.FindFirst(TenantClaim)?.Value;

    /// <summary>Whether the caller may see a tenant's data: keys limited to a tenant see only theirs.</summary>
    public static bool MaySee(ClaimsPrincipal user, string? tenant) => TenantOf(user) is not { } own || own == tenant;
}

public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IOptionsMonitor<AccessOptions> access)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (PresentedKey(Request.Headers.Authorization.ToString()) is not { } secret) return Task.FromResult(AuthenticateResult.NoResult());
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        foreach (var key in access.CurrentValue.Keys)
        {
            if (key.Sha256.Length != 64 || !CryptographicOperations.FixedTimeEquals(presented, Convert.FromHexString(key.Sha256))) continue;
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, key.Name), new Claim(ClaimTypes.Role, key.Role)], SchemeName);
            if (!string.IsNullOrEmpty(key.Tenant)) identity.AddClaim(new Claim(Roles.TenantClaim, key.Tenant));
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }
        return Task.FromResult(AuthenticateResult.Fail("Unknown key."));
    }

    /// <summary>
    /// The key of <c>Bearer key</c>, or the password of <c>Basic base64(name:key)</c>: a browser asks for it with its
    /// own sign-in prompt, which is how staff open the jobs dashboard.
    /// </summary>
    private static string? PresentedKey(string header)
    {
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return header["Bearer ".Length..].Trim();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            return pair.IndexOf(':', StringComparison.Ordinal) is >= 0 and var colon ? pair[(colon + 1)..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // The dashboard is opened in a browser: ask for the key with the browser's prompt (over HTTPS in production).
        if (Request.Path.StartsWithSegments(Jobs.JobsRegistration.DashboardPath))
            Response.Headers.WWWAuthenticate = "Basic realm=\"ChatSupport staff\", charset=\"UTF-8\"";
        return base.HandleChallengeAsync(properties);
    }
}

public static class AccessServices
{
    public static IServiceCollection AddAccess(this IServiceCollection services)
    {
        services.AddOptions<AccessOptions>().BindConfiguration(AccessOptions.SectionName)
            .Validate(o => o.Keys.All(k => k.Sha256.Length == 64 && k.Sha256.All(char.IsAsciiHexDigit) && Roles.All.Contains(k.Role)),
                "Access:Keys: each key needs a role (staff, official or admin) and a 64-digit hex SHA-256.")
            .ValidateOnStart();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Staff, p => p.RequireRole(Roles.Staff, Roles.Admin))
            .AddPolicy(Roles.Official, p => p.RequireRole(Roles.Official, Roles.Admin))
            .AddPolicy(Roles.Admin, p => p.RequireRole(Roles.Admin))
            // Closed by default: an endpoint that declares nothing needs a key.
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return services;
    }
}

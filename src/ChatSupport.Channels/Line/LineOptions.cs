namespace ChatSupport.Channels.Line;

/// <summary>A tenant's LINE channel (<c>Tenants:{id}:Line</c>); the tenant itself is <see cref="ChatSupport.Tenants.TenantOptions"/>.</summary>
public sealed class LineChannelOptions
{
    public const string DefaultApiBaseUrl = "https://api.line.me";

    /// <summary>Signs the webhook requests (x-line-signature). From the environment or user-secrets, never the repo.</summary>
    public string ChannelSecret { get; set; } = "";
    /// <summary>A long-lived channel access token for the Messaging API.</summary>
    public string ChannelAccessToken { get; set; } = "";
    public string ApiBaseUrl { get; set; } = DefaultApiBaseUrl;
    /// <summary>
    /// LINE user ids (<c>U…</c>) of the tenant's staff who may try a questionnaire preview in LINE by sending
    /// 「プレビュー 1234」; anyone else's code is answered as any other text.
    /// </summary>
    public List<string>? PreviewUsers { get; set; }
}

/// <summary>How ChatSupport talks to LINE (all tenants): rate limits per endpoint, retries, reply-token margin.</summary>
public sealed class LineClientOptions
{
    public const string SectionName = "Line";

    /// <summary>Requests per second per endpoint, at LINE's published limits unless configured lower.</summary>
    public Dictionary<string, int> RateLimits { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["reply"] = 2000, ["push"] = 2000, ["multicast"] = 200, ["profile"] = 2000, ["loading"] = 100, ["quota"] = 2000,
    };

    public int MaxRetries { get; set; } = 4;
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>
    /// A reply token is used, and tried again after a 429 or a failure, only while the event is younger than this (LINE
    /// allows one minute); a token LINE refuses within it was used, so its messages were delivered.
    /// </summary>
    public TimeSpan ReplyTokenLifetime { get; set; } = TimeSpan.FromSeconds(50);
    /// <summary>Show LINE's loading animation (1:1 chats) when the answer is delayed longer than this: a slow turn or a held-up reply.</summary>
    public TimeSpan LoadingAnimationAfter { get; set; } = TimeSpan.FromSeconds(1);
}

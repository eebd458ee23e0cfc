using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using ChatSupport.Tenants;

namespace ChatSupport.Channels.Line;

/// <summary>
/// What LINE answered. A 409 for a retry key LINE already accepted counts as delivered. <see cref="RetryAfter"/> is
/// LINE's Retry-After of a refused request (a 429), so that a caller retrying after the pipeline's own retries waits as long.
/// </summary>
public sealed record LineResult(int Status, string? RequestId, string? AcceptedRequestId = null, string? Error = null, TimeSpan? RetryAfter = null)
{
    public bool Delivered => Status == 200 || (Status == 409 && AcceptedRequestId is not null);
    /// <summary>A reply token that was used, expired or never valid: the messages can still go by push.</summary>
    public bool InvalidReplyToken => Status == 400 && Error?.Contains("reply token", StringComparison.OrdinalIgnoreCase) == true;
}

/// <summary>
/// The Messaging API client: reply, push, multicast (at most 500 recipients), profile, loading animation and quota,
/// on the tenant's base URL and access token. Retries (429 and 5xx, honouring Retry-After, never other 4xx), rate
/// limits per endpoint, a circuit breaker and timeouts come from the resilience pipeline of the named client.
/// Errors are logged with LINE's request id and never with what was sent.
/// </summary>
public sealed class LineClient(IHttpClientFactory factory, IOptionsMonitor<TenantsOptions> tenants, ILogger<LineClient> logger)
{
    public const string HttpClientName = "line";
    public const int MaxMulticastRecipients = 500;

    public Task<LineResult> ReplyAsync(string tenant, string replyToken, IReadOnlyList<JsonObject> messages, CancellationToken ct = default) =>
        SendAsync(tenant, "reply", HttpMethod.Post, "v2/bot/message/reply", new JsonObject { ["replyToken"] = replyToken, ["messages"] = Array(messages) }, null, ct);

    public Task<LineResult> PushAsync(string tenant, string to, IReadOnlyList<JsonObject> messages, Guid retryKey, CancellationToken ct = default) =>
        SendAsync(tenant, "push", HttpMethod.Post, "v2/bot/message/push", new JsonObject { ["to"] = to, ["messages"] = Array(messages) }, retryKey, ct);

    public Task<LineResult> MulticastAsync(string tenant, IReadOnlyList<string> to, IReadOnlyList<JsonObject> messages, Guid retryKey, CancellationToken ct = default)
    {
        if (to.Count is 0 or > MaxMulticastRecipients) throw new ArgumentOutOfRangeException(nameof(to), $"A multicast goes to 1-{MaxMulticastRecipients} users.");
        return SendAsync(tenant, "multicast", HttpMethod.Post, "v2/bot/message/multicast",
            new JsonObject { ["to"] = new JsonArray([.. to.Select(t => (JsonNode)t)]), ["messages"] = Array(messages) }, retryKey, ct);
    }

    /// <summary>LINE's loading animation in a 1:1 chat, for 5-60 seconds (a multiple of 5), until the next message.</summary>
    public Task<LineResult> ShowLoadingAsync(string tenant, string chatId, int seconds, CancellationToken ct = default) =>
        SendAsync(tenant, "loading", HttpMethod.Post, "v2/bot/chat/loading/start",
            new JsonObject { ["chatId"] = chatId, ["loadingSeconds"] = Math.Clamp((seconds + 4) / 5 * 5, 5, 60) }, null, ct);

    public Task<(LineResult Result, JsonObject? Body)> GetProfileAsync(string tenant, string userId, CancellationToken ct = default) =>
        GetAsync(tenant, "profile", "v2/bot/profile/" + Uri.EscapeDataString(userId), ct);

    public Task<(LineResult Result, JsonObject? Body)> GetQuotaAsync(string tenant, CancellationToken ct = default) =>
        GetAsync(tenant, "quota", "v2/bot/message/quota", ct);

    public Task<(LineResult Result, JsonObject? Body)> GetQuotaConsumptionAsync(string tenant, CancellationToken ct = default) =>
        GetAsync(tenant, "quota", "v2/bot/message/quota/consumption", ct);

    private static JsonArray Array(IReadOnlyList<JsonObject> messages)
    {
        if (messages.Count is 0 or > LineMessageRenderer.MaxMessagesPerRequest)
            throw new ArgumentOutOfRangeException(nameof(messages), "A request carries 1-5 messages.");
        return new JsonArray([.. messages.Select(m => m.DeepClone())]);
    }

    private async Task<LineResult> SendAsync(string tenant, string endpoint, HttpMethod method, string path, JsonObject body, Guid? retryKey, CancellationToken ct)
    {
        using var request = Request(tenant, endpoint, method, path);
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body.ToJsonString()));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        if (retryKey is { } key) request.Headers.Add("X-Line-Retry-Key", key.ToString("D"));
        try
        {
            using var response = await factory.CreateClient(HttpClientName).SendAsync(request, ct).ConfigureAwait(false);
            return await ResultAsync(endpoint, response, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (IsFailure(e, ct))
        {
            logger.LogScrubbed(LogLevel.Warning, e, "LINE {Endpoint} failed", endpoint);
            return new LineResult(0, null, Error: e.GetType().Name);
        }
    }

    private async Task<(LineResult, JsonObject?)> GetAsync(string tenant, string endpoint, string path, CancellationToken ct)
    {
        using var request = Request(tenant, endpoint, HttpMethod.Get, path);
        try
        {
            using var response = await factory.CreateClient(HttpClientName).SendAsync(request, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) return (await ResultAsync(endpoint, response, ct).ConfigureAwait(false), null);
            var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false)) as JsonObject;
            return (new LineResult((int)response.StatusCode, RequestId(response)), json);
        }
        catch (Exception e) when (IsFailure(e, ct))
        {
            logger.LogScrubbed(LogLevel.Warning, e, "LINE {Endpoint} failed", endpoint);
            return (new LineResult(0, null, Error: e.GetType().Name), null);
        }
    }

    /// <summary>
    /// A request that did not get an answer from LINE: connection failures, timeouts and the pipeline's rejections
    /// (Polly's timeout, open circuit, rate limiter) are a result (status 0), not an exception for the caller.
    /// </summary>
    private static bool IsFailure(Exception e, CancellationToken ct) =>
        e is HttpRequestException or TimeoutException or ExecutionRejectedException
        || (e is OperationCanceledException && !ct.IsCancellationRequested);

    private HttpRequestMessage Request(string tenant, string endpoint, HttpMethod method, string path)
    {
        var line = (tenants.CurrentValue.GetValueOrDefault(tenant) ?? throw new InvalidOperationException($"Unknown tenant '{tenant}'.")).Line
            ?? throw new InvalidOperationException($"Tenant '{tenant}' has no LINE channel.");
        var request = new HttpRequestMessage(method, new Uri(new Uri(line.ApiBaseUrl.TrimEnd('/') + "/"), path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", line.ChannelAccessToken);
        request.Options.Set(EndpointKey, endpoint);
        request.Options.Set(TenantKey, tenant);
        return request;
    }

    internal static readonly HttpRequestOptionsKey<string> EndpointKey = new("ChatSupport.LineEndpoint");
    internal static readonly HttpRequestOptionsKey<string> TenantKey = new("ChatSupport.LineTenant");

    internal static string EndpointOf(HttpRequestMessage? request) => request?.Options.TryGetValue(EndpointKey, out var e) == true ? e : "other";
    internal static string TenantOf(HttpRequestMessage? request) => request?.Options.TryGetValue(TenantKey, out var t) == true ? t : "";

    private async Task<LineResult> ResultAsync(string endpoint, HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var requestId = RequestId(response);
        if (response.IsSuccessStatusCode) return new LineResult(status, requestId);
        var accepted = response.Headers.TryGetValues("x-line-accepted-request-id", out var a) ? a.FirstOrDefault() : null;
        string? message = null;
        try
        {
            message = (string?)(JsonNode.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false)) as JsonObject)?["message"];
        }
        catch (System.Text.Json.JsonException) { }
        if (response.StatusCode == HttpStatusCode.Conflict && accepted is not null)
            logger.LogInformation("LINE {Endpoint}: retry key already accepted (request id {RequestId}, accepted {AcceptedRequestId})", endpoint, requestId, accepted);
        else
            // LINE's message names the problem (e.g. "Invalid reply token"), not the content; the body sent is never logged.
            logger.LogWarning("LINE {Endpoint} answered {Status} (request id {RequestId}): {LineMessage}", endpoint, status, requestId, message);
        return new LineResult(status, requestId, accepted, message, RetryAfterOf(response));
    }

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is { Ticks: > 0 } wait ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static string? RequestId(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-line-request-id", out var v) ? v.FirstOrDefault() : null;
}

public static class LineClientRegistration
{
    /// <summary>The named HTTP client for LINE with its resilience pipeline (options from <c>Line:*</c>).</summary>
    public static IServiceCollection AddLineClient(this IServiceCollection services)
    {
        services.AddSingleton<LineClient>();
        services.AddSingleton<LineRateLimiters>();
        // One pipeline per tenant: LINE's limits are per channel, and one prefecture's outage must not open the
        // circuit for the others.
        services.AddHttpClient(LineClient.HttpClientName).AddResilienceHandler("line", (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<LineClientOptions>>().Value;
            var limiters = context.ServiceProvider.GetRequiredService<LineRateLimiters>();
            pipeline.AddTimeout(options.Timeout * (options.MaxRetries + 2));
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                // 429, 5xx, 408, timeouts and connection failures; other 4xx are final. Retry-After is honoured.
                // A reply has no retry key: after a timeout or a 5xx it may have been delivered, so only a 429 (refused,
                // not delivered) is retried; the sender decides what to do about the rest.
                ShouldHandle = args => LineClient.EndpointOf(args.Context.GetRequestMessage()) == "reply"
                    ? ValueTask.FromResult(args.Outcome.Result?.StatusCode == HttpStatusCode.TooManyRequests)
                    : ValueTask.FromResult(HttpClientResiliencePredicates.IsTransient(args.Outcome)),
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.FirstRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldRetryAfterHeader = true,
            });
            pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5, MinimumThroughput = 20, SamplingDuration = TimeSpan.FromSeconds(30), BreakDuration = TimeSpan.FromSeconds(15),
            });
            pipeline.AddRateLimiter(new HttpRateLimiterStrategyOptions
            {
                RateLimiter = args => limiters.AcquireAsync(args.Context.GetRequestMessage(), args.Context.CancellationToken),
            });
            pipeline.AddTimeout(options.Timeout);
        }).SelectPipelineBy(_ => request => LineClient.TenantOf(request));
        return services;
    }
}

/// <summary>One token bucket per tenant and endpoint (reply, push, multicast, …), refilled every second to its configured rate; requests wait their turn.</summary>
public sealed class LineRateLimiters(IOptions<LineClientOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetTokenBucketLimiter(key, k => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, options.Value.RateLimits.GetValueOrDefault(k[(k.IndexOf('/') + 1)..], 100)),
            TokensPerPeriod = Math.Max(1, options.Value.RateLimits.GetValueOrDefault(k[(k.IndexOf('/') + 1)..], 100)),
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 100_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        }));

    /// <summary>Waits for a token of the request's tenant and endpoint (limits are per LINE channel).</summary>
    public ValueTask<RateLimitLease> AcquireAsync(HttpRequestMessage? request, CancellationToken ct) =>
        _limiter.AcquireAsync(LineClient.TenantOf(request) + "/" + LineClient.EndpointOf(request), 1, ct);

    public void Dispose() => _limiter.Dispose();
}

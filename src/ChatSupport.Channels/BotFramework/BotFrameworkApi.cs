using System.Net.Http.Json;
using System.Text.Json;
using ChatSupport.Activities;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ChatSupport.Channels.BotFramework;

/// <summary>
/// <c>POST /api/messages</c>: the Bot Framework Activity protocol. With <c>deliveryMode: expectReplies</c> the replies
/// come back in the body as <c>{"activities":[…]}</c>; otherwise they are posted to the Bot Connector at the
/// activity's <c>serviceUrl</c> and the request is answered 200 with no body.
/// </summary>
public static class BotFrameworkApi
{
    /// <summary>The rate-limit policy of this endpoint: a share per client while it is open (no app id); the host defines it.</summary>
    public const string AnonymousRateLimit = "bot-framework-anonymous";

    public static IEndpointRouteBuilder MapBotFrameworkApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/messages", PostAsync)
            .WithName("PostActivity")
            // The channel is authenticated by the Bot Connector's token (when an app id is configured), never by a staff key.
            .RequireAuthorization(BotConnectorAuthentication.Policy)
            .RequireRateLimiting(AnonymousRateLimit)
            .WithSummary("Receive a Bot Framework activity")
            .Accepts<Activity>("application/json")
            .Produces<ExpectedReplies>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return endpoints;
    }

    /// <summary>The body of an <c>expectReplies</c> response.</summary>
    public sealed record ExpectedReplies(IReadOnlyList<Activity> Activities);

    private static async Task<Results<Ok<ExpectedReplies>, Ok, ProblemHttpResult>> PostAsync(
        HttpRequest request, ITurnRunner runner, ConnectorClient connector, Microsoft.Extensions.Options.IOptionsMonitor<BotFrameworkOptions> options,
        Microsoft.AspNetCore.Hosting.Server.IServer server, CancellationToken ct)
    {
        Activity? activity;
        try
        {
            activity = await JsonSerializer.DeserializeAsync<Activity>(request.Body, ActivityJson.Options, ct);
        }
        catch (JsonException e)
        {
            return TypedResults.Problem(title: "The body is not a valid activity.", detail: e.Message, statusCode: StatusCodes.Status400BadRequest);
        }
        if (Validate(activity) is { } problem)
            return TypedResults.Problem(title: "The activity is missing required fields.", detail: problem, statusCode: StatusCodes.Status400BadRequest);
        if (Limits(activity!, options.CurrentValue) is { } limit)
            return TypedResults.Problem(title: "The activity is not acceptable here.", detail: limit, statusCode: StatusCodes.Status400BadRequest);
        Uri? service = null;
        if (activity!.DeliveryMode != DeliveryModes.ExpectReplies && activity.Type is ActivityTypes.Message or ActivityTypes.ConversationUpdate)
        {
            var own = server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses ?? [];
            (service, var refused) = ServiceUrls.Check(activity.ServiceUrl, options.CurrentValue, own);
            if (refused is not null)
                return TypedResults.Problem(title: "The activity is not acceptable here.", detail: refused, statusCode: StatusCodes.Status400BadRequest);
        }
        // A Connector token names the service it was issued for: replies must not be sent anywhere else.
        if (options.CurrentValue.RequiresToken
            && !string.Equals(request.HttpContext.User.FindFirst("serviceurl")?.Value?.TrimEnd('/'), activity!.ServiceUrl?.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            return TypedResults.Problem(title: "The token was not issued for this service URL.", statusCode: StatusCodes.Status401Unauthorized);

        var replies = activity!.Type is ActivityTypes.Message or ActivityTypes.ConversationUpdate
            ? await runner.RunAsync(activity, ct)
            : []; // other activity types are acknowledged and ignored
        if (service is null) return TypedResults.Ok(new ExpectedReplies(replies));
        foreach (var reply in replies) await connector.SendAsync(service, activity, reply, ct);
        return TypedResults.Ok();
    }

    /// <summary>
    /// What this endpoint accepts: ids that fit the store, and channels that are not another adapter's (LINE residents
    /// are LINE's). Where replies may go is <see cref="ServiceUrls.Check"/>'s.
    /// </summary>
    private static string? Limits(Activity a, BotFrameworkOptions options)
    {
        if (a.ChannelId!.Length > 32 || a.From!.Id.Length > 128 || a.Conversation!.Id.Length > 200 || (a.Id?.Length ?? 0) > 200)
            return "channelId (32), from.id (128), conversation.id (200) or id (200) is too long.";
        if (options.ReservedChannels.Contains(a.ChannelId, StringComparer.OrdinalIgnoreCase))
            return $"The channel '{a.ChannelId}' has its own endpoint.";
        return null;
    }

    /// <summary>What the protocol requires of an incoming activity: a type, a channel, a sender and a conversation.</summary>
    private static string? Validate(Activity? a)
    {
        if (a is null) return "The body is empty.";
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(a.Type)) missing.Add("type");
        if (string.IsNullOrWhiteSpace(a.ChannelId)) missing.Add("channelId");
        if (string.IsNullOrWhiteSpace(a.From?.Id)) missing.Add("from.id");
        if (string.IsNullOrWhiteSpace(a.Conversation?.Id)) missing.Add("conversation.id");
        if (a.DeliveryMode != DeliveryModes.ExpectReplies && a.Type is ActivityTypes.Message or ActivityTypes.ConversationUpdate && string.IsNullOrWhiteSpace(a.ServiceUrl))
            missing.Add("serviceUrl (or deliveryMode: expectReplies)");
        return missing.Count == 0 ? null : "Missing: " + string.Join(", ", missing) + ".";
    }
}

/// <summary>
/// Posts replies to the Bot Connector: <c>{serviceUrl}/v3/conversations/{conversationId}/activities/{replyToId}</c>,
/// with the app's token (client credentials) when an app id is configured.
/// </summary>
public sealed class ConnectorClient(HttpClient http, ConnectorTokens tokens)
{
    /// <summary>Posts a reply to <paramref name="service"/>, an address <see cref="ServiceUrls.Check"/> accepted.</summary>
    public async Task SendAsync(Uri service, Activity incoming, Activity reply, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ServiceUrls.ReplyUri(service, incoming.Conversation!.Id, incoming.Id))
        {
            Content = new StringContent(ActivityJson.Serialize(reply), System.Text.Encoding.UTF8, "application/json"),
        };
        if (await tokens.GetAsync(ct) is { } token)
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
    }
}

/// <summary>The app's access token for the Bot Connector (OAuth client credentials), kept until shortly before it expires.</summary>
public sealed class ConnectorTokens(HttpClient http, Microsoft.Extensions.Options.IOptionsMonitor<BotFrameworkOptions> options, TimeProvider clock)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Token, DateTimeOffset Until)? _current;

    public async Task<string?> GetAsync(CancellationToken ct)
    {
        var o = options.CurrentValue;
        if (!o.RequiresToken || string.IsNullOrEmpty(o.MicrosoftAppPassword)) return null;
        if (_current is { } c && c.Until > clock.GetUtcNow()) return c.Token;
        await _gate.WaitAsync(ct);
        try
        {
            if (_current is { } again && again.Until > clock.GetUtcNow()) return again.Token;
            using var response = await http.PostAsync(o.TokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = o.MicrosoftAppId!,
                ["client_secret"] = o.MicrosoftAppPassword,
                ["scope"] = o.TokenScope,
            }), ct);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            var token = body.GetProperty("access_token").GetString()!;
            var lifetime = body.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out var seconds) ? seconds : 3600;
            _current = (token, clock.GetUtcNow().AddSeconds(Math.Max(60, lifetime - 300)));
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }
}

public static class BotFrameworkServices
{
    public static IServiceCollection AddBotFrameworkChannel(this IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        // A Connector that answers with a redirect is not followed elsewhere, and a reply cannot hang the request for long.
        services.AddHttpClient<ConnectorClient>((sp, http) =>
                http.Timeout = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<BotFrameworkOptions>>().Value.ReplyTimeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        // One token cache for the process, on a named client.
        services.AddHttpClient(nameof(ConnectorTokens));
        services.AddSingleton(sp => new ConnectorTokens(sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(ConnectorTokens)),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<BotFrameworkOptions>>(), TimeProvider.System));
        services.AddBotConnectorAuthentication(configuration);
        return services;
    }
}

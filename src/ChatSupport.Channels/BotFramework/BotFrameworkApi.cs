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
    public static IEndpointRouteBuilder MapBotFrameworkApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/messages", PostAsync)
            .WithName("PostActivity")
            // The channel is authenticated by the Bot Connector's token (when an app id is configured), never by a staff key.
            .RequireAuthorization(BotConnectorAuthentication.Policy)
            .WithSummary("Receive a Bot Framework activity")
            .Accepts<Activity>("application/json")
            .Produces<ExpectedReplies>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return endpoints;
    }

    /// <summary>The body of an <c>expectReplies</c> response.</summary>
    public sealed record ExpectedReplies(IReadOnlyList<Activity> Activities);

    private static async Task<Results<Ok<ExpectedReplies>, Ok, ProblemHttpResult>> PostAsync(
        HttpRequest request, ITurnRunner runner, ConnectorClient connector, Microsoft.Extensions.Options.IOptionsMonitor<BotFrameworkOptions> options, CancellationToken ct)
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
        // A Connector token names the service it was issued for: replies must not be sent anywhere else.
        if (options.CurrentValue.RequiresToken
            && !string.Equals(request.HttpContext.User.FindFirst("serviceurl")?.Value?.TrimEnd('/'), activity!.ServiceUrl?.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            return TypedResults.Problem(title: "The token was not issued for this service URL.", statusCode: StatusCodes.Status401Unauthorized);

        var replies = activity!.Type is ActivityTypes.Message or ActivityTypes.ConversationUpdate
            ? await runner.RunAsync(activity, ct)
            : []; // other activity types are acknowledged and ignored
        if (activity.DeliveryMode == DeliveryModes.ExpectReplies) return TypedResults.Ok(new ExpectedReplies(replies));
        foreach (var reply in replies) await connector.SendAsync(activity, reply, ct);
        return TypedResults.Ok();
    }

    /// <summary>
    /// What this endpoint accepts: ids that fit the store, channels that are not another adapter's (LINE residents are
    /// LINE's), and replies only to an https Connector (or, with no app id, to this machine, as the Emulator does).
    /// </summary>
    private static string? Limits(Activity a, BotFrameworkOptions options)
    {
        if (a.ChannelId!.Length > 32 || a.From!.Id.Length > 128 || a.Conversation!.Id.Length > 200 || (a.Id?.Length ?? 0) > 200)
            return "channelId (32), from.id (128), conversation.id (200) or id (200) is too long.";
        if (options.ReservedChannels.Contains(a.ChannelId, StringComparer.OrdinalIgnoreCase))
            return $"The channel '{a.ChannelId}' has its own endpoint.";
        if (a.DeliveryMode == DeliveryModes.ExpectReplies || a.Type is not (ActivityTypes.Message or ActivityTypes.ConversationUpdate)) return null;
        if (!Uri.TryCreate(a.ServiceUrl, UriKind.Absolute, out var service) || service.Scheme is not ("http" or "https"))
            return "serviceUrl is not an http(s) URL.";
        if (!options.RequiresToken && !service.IsLoopback)
            return "Without BotFramework:MicrosoftAppId, replies are sent only to this machine (the Emulator); configure an app id for a Bot Connector.";
        if (options.RequiresToken && service.Scheme != "https")
            return "serviceUrl must be https.";
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

/// <summary>Posts replies to the Bot Connector: <c>{serviceUrl}/v3/conversations/{conversationId}/activities/{replyToId}</c>.</summary>
public sealed class ConnectorClient(HttpClient http)
{
    public async Task SendAsync(Activity incoming, Activity reply, CancellationToken ct)
    {
        var baseUrl = incoming.ServiceUrl!.TrimEnd('/');
        var conversation = Uri.EscapeDataString(incoming.Conversation!.Id);
        var url = incoming.Id is { Length: > 0 } replyTo
            ? $"{baseUrl}/v3/conversations/{conversation}/activities/{Uri.EscapeDataString(replyTo)}"
            : $"{baseUrl}/v3/conversations/{conversation}/activities";
        using var content = new StringContent(ActivityJson.Serialize(reply), System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(url, content, ct);
        response.EnsureSuccessStatusCode();
    }
}

public static class BotFrameworkServices
{
    public static IServiceCollection AddBotFrameworkChannel(this IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        services.AddHttpClient<ConnectorClient>();
        services.AddBotConnectorAuthentication(configuration);
        return services;
    }
}

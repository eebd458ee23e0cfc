using ChatSupport.Channels.Line;
using ChatSupport.Persistence;
using ChatSupport.Web.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using ChatSupport.Persistence.Stores;
using Microsoft.Extensions.Options;
using Microsoft.EntityFrameworkCore;
using ChatSupport.Tenants;

namespace ChatSupport.Web.Line;

/// <summary>
/// <c>POST /webhooks/line/{tenantId}</c>: the signature is checked on the raw bytes before anything is parsed (401,
/// nothing stored; an unknown tenant gets the same 401); a signed body that is not a webhook request is 400; every
/// event is kept in the inbox (unique on its webhook event id, so a redelivery or a duplicate is a no-op) in one
/// commit, and the request is answered at once; the inbox processor answers the residents.
/// </summary>
public static class LineWebhookApi
{
    private static readonly string UnknownTenantSecret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    public static IEndpointRouteBuilder MapLineWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/line/{tenantId}", ReceiveAsync)
            .AllowAnonymous() // LINE signs its requests; the signature is the authentication
            .WithName("LineWebhook")
            .WithSummary("LINE webhook of a tenant: signed events are kept in the inbox and answered asynchronously.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return app;
    }

    private static async Task<Results<Ok, ProblemHttpResult>> ReceiveAsync(string tenantId, HttpRequest request,
        IOptionsMonitor<TenantsOptions> tenants, IDbContextFactory<ChatSupportDbContext> contexts, LineInboxStore inbox, LineInboxSignal signal, TimeProvider clock, CancellationToken ct)
    {
        // An unknown tenant is answered exactly as a wrong signature, after the same work (the body read, an HMAC under
        // a secret nobody knows), so that tenant ids cannot be found by trying them.
        var secret = tenants.CurrentValue.TryGetValue(tenantId, out var tenant) && tenant.Line is { } line ? line.ChannelSecret : UnknownTenantSecret;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        var body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (!LineSignature.IsValid(body.Span, request.Headers["x-line-signature"].ToString(), secret) || ReferenceEquals(secret, UnknownTenantSecret))
            return TypedResults.Problem(title: "The signature is missing or wrong.", statusCode: StatusCodes.Status401Unauthorized);
        LineCallback callback;
        try
        {
            callback = LineCallback.Parse(body.Span);
        }
        catch (FormatException e)
        {
            return TypedResults.Problem(title: "The body is not a LINE webhook request.", detail: e.Message, statusCode: StatusCodes.Status400BadRequest);
        }
        if (callback.Events.Count == 0) return TypedResults.Ok(); // LINE's verification request
        await using var db = contexts.CreateDbContext();
        await inbox.InsertAsync(db, tenantId, [.. callback.Events.Select(e => new InboxEvent(
            e.WebhookEventId, LineActivityMapper.UserKey(tenantId, e.ChatId ?? "-"), e.Type, e.Timestamp, e.ReplyToken, e.Json.ToJsonString()))], clock.GetUtcNow(), ct);
        signal.Notify();
        return TypedResults.Ok();
    }
}

/// <summary>Wakes the inbox processor when events arrive (it also looks on its own every second).</summary>
public sealed class LineInboxSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try { if (_signal.CurrentCount == 0) _signal.Release(); }
        catch (SemaphoreFullException) { }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}

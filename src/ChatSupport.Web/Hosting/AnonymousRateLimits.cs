using System.Threading.RateLimiting;
using ChatSupport.Channels.BotFramework;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ChatSupport.Web.Hosting;

/// <summary>
/// Endpoints without a key get a share per client (<see cref="ClientPartition"/>), so that nobody can keep the database
/// busy or fill the disk with them: the open data (ChatSupport:OpenDataRequestsPerMinute) and /api/messages while no
/// Bot Framework app id is configured (ChatSupport:AnonymousMessagesPerMinute; with an app id the Bot Connector's token
/// authenticates the caller and there is no limit). Over it: 429 with problem details and Retry-After, counted in
/// <see cref="RefusalMetrics"/>.
/// </summary>
public static class AnonymousRateLimits
{
    public static IServiceCollection AddAnonymousRateLimits(this IServiceCollection services) => services.AddRateLimiter(o =>
    {
        o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        o.AddPolicy(Reports.ReportsApi.OpenDataRateLimit, context =>
            PerMinute(ClientPartition.Of(context), context.RequestServices.GetRequiredService<IOptions<NodeOptions>>().Value.OpenDataRequestsPerMinute));
        o.AddPolicy(BotFrameworkApi.AnonymousRateLimit, context =>
        {
            var limit = context.RequestServices.GetRequiredService<IOptions<NodeOptions>>().Value.AnonymousMessagesPerMinute;
            return limit == 0 || context.RequestServices.GetRequiredService<IOptionsMonitor<BotFrameworkOptions>>().CurrentValue.RequiresToken
                ? RateLimitPartition.GetNoLimiter("authenticated")
                : PerMinute(ClientPartition.Of(context), limit);
        });
        o.OnRejected = async (rejected, ct) =>
        {
            var http = rejected.HttpContext;
            var policy = http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName ?? "unknown";
            http.RequestServices.GetRequiredService<RefusalMetrics>().Refused(policy, "rate-limit");
            if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests.", Detail = "This client's share of requests is used up; try again later." },
            });
        };
    });

    private static RateLimitPartition<string> PerMinute(string client, int permits) =>
        RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1) });
}

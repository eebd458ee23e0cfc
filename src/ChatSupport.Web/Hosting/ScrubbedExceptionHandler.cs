using ChatSupport.Channels;
using Microsoft.AspNetCore.Diagnostics;

namespace ChatSupport.Web.Hosting;

/// <summary>
/// An unhandled exception in a request: logged as <see cref="ErrorLogging"/> logs (with the request's method, route and
/// trace id) and answered 500 with problem details that carry the trace id, never the exception.
/// </summary>
public sealed class ScrubbedExceptionHandler(IProblemDetailsService problems, ILogger<ScrubbedExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        // The route's pattern, never the path (a path can hold an id); the middleware has cleared the endpoint by now.
        var route = (context.Features.Get<IExceptionHandlerFeature>()?.Endpoint as RouteEndpoint)?.RoutePattern.RawText ?? "(no endpoint)";
        logger.LogScrubbed(LogLevel.Error, exception, "Unhandled exception in {Method} {Route} (trace {TraceId})", context.Request.Method, route, context.TraceIdentifier);
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "ChatSupport could not handle the request.",
                Detail = "The error is logged under the trace id.",
                Extensions = { ["traceId"] = context.TraceIdentifier },
            },
        });
    }
}

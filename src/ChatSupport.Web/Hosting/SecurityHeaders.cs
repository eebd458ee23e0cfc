namespace ChatSupport.Web.Hosting;

/// <summary>
/// Headers on every response: no MIME sniffing, never in a frame (clickjacking), no referrer to other sites, and a
/// Content-Security-Policy that lets the chat page load only its own files (no inline script or style, no other origin).
/// HSTS is UseHsts's, outside Development and only over HTTPS. Hangfire's dashboard writes inline scripts and styles,
/// so its pages get frame-ancestors only.
/// </summary>
public static class SecurityHeaders
{
    public const string PageContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        app.Use((context, next) =>
        {
            // Set as the response starts, so that a handler that clears the response (413, errors) keeps them.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments(Jobs.JobsRegistration.DashboardPath)
                    ? "frame-ancestors 'none'"
                    : PageContentSecurityPolicy;
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}

using System.Security.Cryptography;
using ChatSupport.Channels;
using ChatSupport.Channels.BotFramework;
using ChatSupport.Persistence;
using ChatSupport.Persistence.Residents;
using ChatSupport.Questionnaires;
using ChatSupport.Web.Reports;
using ChatSupport.Web.Access;
using ChatSupport.Web.Turns;
using ChatSupport.Web.Line;
using ChatSupport.Web.FollowUps;
using ChatSupport.Web.Impact;
using ChatSupport.Web.Jobs;
using ChatSupport.Web.Questionnaires;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace ChatSupport.Web.Hosting;

/// <summary>Everything ChatSupport registers: options, database, questionnaires, the turn runner, the channels.</summary>
public static class ChatSupportHosting
{
    /// <summary>The embedded default: SQLite in ./data, no configuration needed.</summary>
    public const string DefaultConnectionString = DatabaseConfiguration.DefaultConnectionString;

    public static WebApplicationBuilder AddChatSupport(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<StartupChecks>();
        // The documented default port, unless ASPNETCORE_URLS, --urls or Urls says otherwise (a container does).
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls("http://localhost:5080");
        services.AddOptions<QuestionnaireBotOptions>().BindConfiguration(QuestionnaireBotOptions.SectionName)
            .Validate(o => TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZoneId, out _), "Questionnaires:TimeZoneId is not a known time zone.")
            .ValidateOnStart();
        services.AddOptions<NodeOptions>().BindConfiguration(NodeOptions.SectionName)
            .Validate(o => o.MaxRequestBodyBytes is >= 1024 and <= 16 * 1024 * 1024, "ChatSupport:MaxRequestBodyBytes must be between 1 KiB and 16 MiB.")
            .Validate(o => o.Role.Trim().ToLowerInvariant() is "all" or "web" or "worker", "ChatSupport:Role is all, web or worker.")
            .Validate(o => o.OpenDataRequestsPerMinute >= 1 && o.AnonymousMessagesPerMinute >= 0, "ChatSupport:OpenDataRequestsPerMinute is at least 1, AnonymousMessagesPerMinute at least 0.")
            .Validate(o => o.PublicBaseUrl is not { Length: > 0 } url || (Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "https" or "http" && string.IsNullOrEmpty(u.Query) && string.IsNullOrEmpty(u.Fragment)),
                "ChatSupport:PublicBaseUrl is an absolute http(s) address without query or fragment.")
            .ValidateOnStart();
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
            kestrel.Limits.MaxRequestBodySize = context.Configuration.GetValue(NodeOptions.SectionName + ":MaxRequestBodyBytes", NodeOptions.DefaultMaxRequestBodyBytes));

        // The provider is Database:Provider's (SQLite when unset); a missing, unknown or mismatched one stops here.
        services.AddChatSupportDatabase(DatabaseConfiguration.Resolve(
            builder.Configuration[DatabaseConfiguration.ProviderSetting], builder.Configuration.GetConnectionString("ChatSupport")));
        services.AddQuestionnaireVersions(); // the catalog: a cache over the published versions in the database
        services.AddImpactReport(); // what a candidate version would have done to the residents' stored responses
        services.AddSingleton(sp => PseudonymKeys(builder.Configuration, sp.GetRequiredService<DatabaseConfiguration>()));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ConversationLocks>();
        services.AddSingleton<TurnMetrics>();
        services.AddSingleton<RefusalMetrics>();
        services.AddExceptionHandler<ScrubbedExceptionHandler>();
        // The handler logs the exception scrubbed; the middleware's own log would print the raw message.
        services.Configure<ExceptionHandlerOptions>(o => o.SuppressDiagnosticsCallback = _ => true);
        var telemetry = services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(TurnMetrics.MeterName).AddAspNetCoreInstrumentation());
        // Exported only where a collector is configured (OTEL_EXPORTER_OTLP_ENDPOINT).
        if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) telemetry.UseOtlpExporter();
        services.AddSingleton<DatabaseTurnRunner>();
        services.AddSingleton<ITurnRunner>(sp => sp.GetRequiredService<DatabaseTurnRunner>());
        services.AddBotFrameworkChannel(builder.Configuration);
        services.AddLineChannel();
        services.AddFollowUps();
        services.AddReports();
        services.AddJobs(builder.Configuration);
        services.AddAccess();
        // The Bot Framework's JSON: camelCase, nulls left out, Japanese unescaped.
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
            o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        });
        services.AddProblemDetails();
        // Behind a reverse proxy on the same machine, the client's address is the one the proxy forwards (other proxies:
        // ForwardedHeadersOptions' KnownProxies/KnownNetworks); the open data's allowance is per client address.
        services.Configure<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>(o =>
            o.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto);
        services.AddAnonymousRateLimits();
        services.AddOpenApi();
        return builder;
    }

    /// <summary>
    /// Bodies over ChatSupport:MaxRequestBodyBytes get 413 with problem details before anything reads them
    /// (Kestrel enforces the same limit on bodies sent without a length).
    /// </summary>
    public static WebApplication UseRequestSizeLimit(this WebApplication app)
    {
        var limit = app.Services.GetRequiredService<IOptions<NodeOptions>>().Value.MaxRequestBodyBytes;
        app.Use(async (context, next) =>
        {
            if (context.Request.ContentLength > limit)
            {
                await TooLargeAsync(context, limit);
                return;
            }
            // A body without a length (chunked) is counted as it is read, on any server.
            if (context.Request.ContentLength is null) context.Request.Body = new LimitedReadStream(context.Request.Body, limit);
            try
            {
                await next(context);
            }
            catch (Exception e) when (!context.Response.HasStarted
                && e is LimitedReadStream.TooLargeException or Microsoft.AspNetCore.Http.BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                await TooLargeAsync(context, limit);
            }
        });
        return app;
    }

    private static async Task TooLargeAsync(HttpContext context, long limit)
    {
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Title = "The request body is too large.", Detail = $"At most {limit} bytes are accepted.", Status = StatusCodes.Status413PayloadTooLarge },
        });
    }

    /// <summary>
    /// Runs the start-up checks (a placeholder secret stops here, before the database is touched), creates the SQLite
    /// folder if needed, applies the migrations of the configured database, then imports and loads the questionnaires
    /// (a missing default questionnaire stops here).
    /// </summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        app.Services.GetRequiredService<StartupChecks>().Run();
        var settings = app.Services.GetRequiredService<DatabaseConfiguration>();
        if (!settings.IsPostgres
            && new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(settings.ConnectionString) is { DataSource: { Length: > 0 } file } sqlite
            && file != ":memory:" && sqlite.Mode != Microsoft.Data.Sqlite.SqliteOpenMode.Memory && Path.GetDirectoryName(Path.GetFullPath(file)) is { } folder)
        {
            // Residents' answers: the owner's only (folder 0700, files 0600; the WAL takes the database file's mode).
            PrivateFiles.Folder(folder);
            PrivateFiles.File(Path.GetFullPath(file));
            foreach (var companion in new[] { "-wal", "-shm", "-journal" }) PrivateFiles.Existing(Path.GetFullPath(file) + companion);
        }
        // The database may still be starting (a container beside it): try for a minute before giving up.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await app.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<ChatSupportDbContext>>().MigrateAsync();
                break;
            }
            catch (Exception e) when (attempt < 30 && e is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
            {
                app.Logger.LogScrubbed(LogLevel.Warning, e, "The database is not ready (attempt {Attempt}); trying again", attempt);
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }
        await app.LoadQuestionnairesAsync();
    }

    /// <summary>
    /// The pseudonymisation key: Residents:PseudonymKey (from the environment or user-secrets in production); on the
    /// embedded default a random key is made once and kept beside the SQLite file.
    /// </summary>
    private static ResidentKeys PseudonymKeys(IConfiguration configuration, DatabaseConfiguration settings)
    {
        if (configuration["Residents:PseudonymKey"] is { Length: > 0 } configured) return ResidentKeys.FromSecret(configured);
        if (settings.IsPostgres)
            throw new InvalidOperationException("Residents:PseudonymKey must be set (at least 32 bytes) when PostgreSQL is configured.");
        var file = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(
            new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(settings.ConnectionString).DataSource)) ?? ".", "pseudonym.key");
        if (!File.Exists(file))
        {
            PrivateFiles.Folder(Path.GetDirectoryName(file)!);
            PrivateFiles.Write(file, Convert.ToHexString(RandomNumberGenerator.GetBytes(32)));
        }
        else PrivateFiles.Existing(file);
        return ResidentKeys.FromSecret(File.ReadAllText(file).Trim());
    }
}

/// <summary>What this node does (its role) and what it accepts (request limits): section <c>ChatSupport</c>. Not Microsoft.Extensions.Hosting.HostOptions.</summary>
public sealed class NodeOptions
{
    public const string SectionName = "ChatSupport";
    public const long DefaultMaxRequestBodyBytes = 256 * 1024;
    public long MaxRequestBodyBytes { get; set; } = DefaultMaxRequestBodyBytes;
    /// <summary><c>web</c> (HTTP endpoints), <c>worker</c> (Hangfire server: follow-ups and alerts) or <c>all</c>; see <see cref="HostRoles"/>.</summary>
    public string Role { get; set; } = "all";
    /// <summary>Requests per minute one client address may make to the open data (no key); more get 429.</summary>
    public int OpenDataRequestsPerMinute { get; set; } = 60;
    /// <summary>
    /// Activities per minute one client address may post to /api/messages while it is open (no BotFramework:MicrosoftAppId);
    /// more get 429. 0 turns the limit off (a load test from one address).
    /// </summary>
    public int AnonymousMessagesPerMinute { get; set; } = 120;
    /// <summary>
    /// The address residents and staff reach this service at (<c>https://chatsupport.example.jp</c>), for links it gives
    /// out (a questionnaire preview). Never taken from a request's Host header; unset, links are relative to this server.
    /// </summary>
    public string? PublicBaseUrl { get; set; }
}

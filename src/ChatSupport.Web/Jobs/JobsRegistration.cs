using ChatSupport.Persistence;
using ChatSupport.Web.Access;
using ChatSupport.Web.Hosting;
using Hangfire;
using Hangfire.Dashboard;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Options;

namespace ChatSupport.Web.Jobs;

/// <summary>Hangfire: its storage, the server (on worker nodes), the dashboard, and how long a crashed worker's job stays invisible.</summary>
public sealed class JobsOptions
{
    public const string SectionName = "Jobs";
    /// <summary>Jobs running at once on this node (each dispatch job sends one batch of at most 500 recipients).</summary>
    public int WorkerCount { get; set; } = 10;
    /// <summary>
    /// A job whose worker died is picked up again this long after the worker's last heartbeat (sliding: a live worker
    /// keeps extending it, so long jobs are never run twice at once).
    /// </summary>
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>How often delayed jobs (batches spread over the sending window) are moved to the queue.</summary>
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>Opens the dashboard without a key to requests from this machine only, in the Development environment (local trials); off by default.</summary>
    public bool DashboardOpenLocally { get; set; }
}

public static class JobsRegistration
{
    public const string DashboardPath = "/hangfire";

    /// <summary>
    /// Hangfire on PostgreSQL when it is configured, in memory on the embedded default. Storage, activator, client and
    /// recurring-job manager are this host's own services (not Hangfire's static globals), so that hosts side by side
    /// in one process (tests) keep apart. The server runs only where the node's role includes <c>worker</c>.
    /// </summary>
    public static IServiceCollection AddJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobsOptions>().BindConfiguration(JobsOptions.SectionName)
            .Validate(o => o.WorkerCount is >= 1 and <= 100 && o.InvisibilityTimeout >= TimeSpan.FromSeconds(1) && o.SchedulePollingInterval >= TimeSpan.FromMilliseconds(100),
                "Jobs: WorkerCount 1-100, InvisibilityTimeout at least a second, SchedulePollingInterval at least 100 ms.")
            .ValidateOnStart();
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.SectionName)
            .Validate(o => o.ConversationStateDays >= 1 && o.AbandonedResponseDays >= 1 && o.FailedLineRowDays >= 1,
                "Retention: ConversationStateDays, AbandonedResponseDays and FailedLineRowDays are at least 1.")
            .ValidateOnStart();
        services.AddTransient<RetentionJob>();
        services.AddSingleton<JobStorage>(sp =>
        {
            sp.GetRequiredService<IGlobalConfiguration>(); // Hangfire's logging first: the storage logs as it starts
            return CreateStorage(sp.GetRequiredService<DatabaseConfiguration>(), sp.GetRequiredService<IOptions<JobsOptions>>().Value);
        });
        services.AddSingleton<JobActivator>(sp => new Hangfire.AspNetCore.AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((sp, config) => config
            .UseLogProvider(new HangfireLogging(sp.GetRequiredService<ILoggerFactory>()))
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        if (HostRoles.RunsWorker(configuration))
        {
            services.AddHangfireServer((sp, server) =>
            {
                var o = sp.GetRequiredService<IOptions<JobsOptions>>().Value;
                server.WorkerCount = o.WorkerCount;
                server.SchedulePollingInterval = o.SchedulePollingInterval;
                server.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
            });
            services.AddHostedService<RecurringJobsSync>();
        }
        return services;
    }

    private static JobStorage CreateStorage(DatabaseConfiguration database, JobsOptions o)
    {
        if (!database.IsPostgres) return new InMemoryStorage();
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = "hangfire",
            PrepareSchemaIfNecessary = true,
            // A crashed worker's job comes back after the timeout; a live one keeps it (jobs are short: one batch).
            UseSlidingInvisibilityTimeout = true,
            InvisibilityTimeout = o.InvisibilityTimeout,
            // New jobs are announced with NOTIFY instead of waiting for the next poll.
            EnableLongPolling = true,
            QueuePollInterval = TimeSpan.FromSeconds(1),
            DistributedLockTimeout = TimeSpan.FromMinutes(1),
        };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(ConnectionString(database.ConnectionString, o.WorkerCount), options), options);
    }

    /// <summary>Connections Hangfire's server holds besides its workers: scheduler, recurring jobs, expiration, heartbeat, notifications, the client.</summary>
    public const int BackgroundConnections = 10;

    /// <summary>
    /// Hangfire's own pool: a connection string of its own (Application Name <c>chatsupport-jobs</c>, so Npgsql never
    /// shares it with the turns' pool) sized for this node's workers plus the server's background processes, whatever
    /// Maximum Pool Size the turns' connection string sets. Turns holding every connection of their pool cannot stop a
    /// recurring job, and jobs cannot take a turn's connection. A pool of 8 (the load script's) once left Hangfire's
    /// scheduler "connection pool has been exhausted" beside 10 workers.
    /// </summary>
    public static string ConnectionString(string connectionString, int workerCount) =>
        new Npgsql.NpgsqlConnectionStringBuilder(connectionString)
        {
            ApplicationName = "chatsupport-jobs",
            MaxPoolSize = workerCount + BackgroundConnections,
            MinPoolSize = 0,
        }.ConnectionString;

    /// <summary>The dashboard at /hangfire: staff (a key, or the browser's sign-in prompt) only; open locally only if configured.</summary>
    public static void MapJobsDashboard(this WebApplication app)
    {
        // Opened without a key only in Development: behind a reverse proxy on the same machine every request looks local.
        var open = app.Services.GetRequiredService<IOptions<JobsOptions>>().Value.DashboardOpenLocally && app.Environment.IsDevelopment();
        var options = new DashboardOptions
        {
            DashboardTitle = "ChatSupport jobs",
            AppPath = "/",
            Authorization = open ? [new LocalRequestsOnlyAuthorizationFilter()] : [],
            IsReadOnlyFunc = context => !open && !context.GetHttpContext().User.IsInRole(Roles.Admin),
        };
        var endpoint = app.MapHangfireDashboard(DashboardPath, options, app.Services.GetRequiredService<JobStorage>());
        if (open) endpoint.AllowAnonymous();
        // Staff of every tenant only: the dashboard shows all tenants' jobs.
        else endpoint.RequireAuthorization(p => p.RequireRole(Roles.Staff, Roles.Admin).RequireAssertion(c => Roles.TenantOf(c.User) is null));
    }
}

/// <summary>What this node does: <c>web</c> (HTTP endpoints), <c>worker</c> (Hangfire server: follow-ups, alerts) or <c>all</c> (the default).</summary>
public static class HostRoles
{
    public static string Role(IConfiguration configuration) => (configuration[Hosting.NodeOptions.SectionName + ":Role"] ?? "all").Trim().ToLowerInvariant();
    public static bool RunsWeb(IConfiguration configuration) => Role(configuration) is "all" or "web";
    public static bool RunsWorker(IConfiguration configuration) => Role(configuration) is "all" or "worker";
}

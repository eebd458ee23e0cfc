using ChatSupport.Bots;
using ChatSupport.Channels.Line;
using ChatSupport.Questionnaires;
using ChatSupport.Web.Alerts;
using ChatSupport.Web.FollowUps;
using ChatSupport.Web.Questionnaires;
using ChatSupport.Web.Reports;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.Options;
using ChatSupport.Tenants;

namespace ChatSupport.Web.Jobs;

/// <summary>
/// Keeps Hangfire's recurring jobs in line with the configuration, at start, whenever the tenants change and whenever
/// another set of questionnaire versions is published (a questionnaire's own <c>at:</c> time is a slot): per tenant,
/// planning shortly before the follow-up hour and each questionnaire's own time (in the tenant's time zone) and the no-answer
/// ladder every 10 minutes; for the deployment, the alert webhook every minute, the sweep of orphaned batches and the
/// daily retention run.
/// Jobs of tenants that are gone are removed. A missed planning run (all workers down at the hour) runs once when a
/// worker is back (Relaxed); the planner itself refuses to start after the tenant's latest sending time, and a day is
/// never sent twice because every message is recorded under resident × day × kind.
/// </summary>
public sealed class RecurringJobsSync(
    IRecurringJobManagerV2 manager, JobStorage storage, IOptionsMonitor<TenantsOptions> tenants, QuestionnaireLibrary library, ReportTenants reportTenants,
    ILogger<RecurringJobsSync> logger, IOptions<RetentionOptions>? retention = null, IOptions<QuestionnaireBotOptions>? questionnaires = null)
    : IHostedService, IDisposable
{
    private const string TenantPrefix = "tenant:";
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Sync(tenants.CurrentValue);
        _subscription = tenants.OnChange(Sync);
        library.Changed += OnPublished;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        library.Changed -= OnPublished;
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        library.Changed -= OnPublished;
        _subscription?.Dispose();
    }

    private void OnPublished(QuestionnaireCatalog catalog)
    {
        try
        {
            Sync(tenants.CurrentValue);
        }
        catch (Exception e) // the publication stands; the next change or start syncs again
        {
            logger.LogError(e, "Recurring jobs not brought in line with the published questionnaires");
        }
    }

    public void Sync(TenantsOptions current)
    {
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (tenantId, tenant) in current.Where(t => t.Value.Line is not null))
        {
            var zone = tenant.Zone();
            var minutes = PlanFollowUpsJob.PolicyMinutes(library.Current).Append(tenant.FollowUpHour * 60).Distinct().Order();
            foreach (var minute in minutes)
            {
                var id = $"{TenantPrefix}{tenantId}:plan-follow-ups:{PlanFollowUpsJob.Slot(minute).Replace(":", "", StringComparison.Ordinal)}";
                var (tenantCopy, minuteCopy) = (tenantId, minute);
                // Planned ahead of the hour (never across midnight: the day is the slot's); the batches wait for the hour.
                var at = Math.Max(0, minute - (int)tenant.FollowUps.PlanAhead.TotalMinutes);
                manager.AddOrUpdate<PlanFollowUpsJob>(id, j => j.RunAsync(tenantCopy, minuteCopy, CancellationToken.None), Cron.Daily(at / 60, at % 60),
                    new RecurringJobOptions { TimeZone = zone, MisfireHandling = MisfireHandlingMode.Relaxed });
                wanted.Add(id);
            }
            var chase = $"{TenantPrefix}{tenantId}:chase-follow-ups";
            var chaseTenant = tenantId;
            manager.AddOrUpdate<ChaseFollowUpsJob>(chase, j => j.RunAsync(chaseTenant, CancellationToken.None), "*/10 * * * *",
                new RecurringJobOptions { TimeZone = zone, MisfireHandling = MisfireHandlingMode.Ignorable });
            wanted.Add(chase);
        }
        // The daily figures of every tenant (and of residents without one), shortly after its local midnight.
        foreach (var (tenantId, zone, at) in reportTenants.Schedules(current))
        {
            var id = $"{TenantPrefix}{tenantId}:aggregate-daily";
            var tenantCopy = tenantId;
            manager.AddOrUpdate<AggregateDailyJob>(id, j => j.RunYesterdayAsync(tenantCopy, CancellationToken.None), Cron.Daily(at.Hour, at.Minute),
                new RecurringJobOptions { TimeZone = zone, MisfireHandling = MisfireHandlingMode.Relaxed });
            wanted.Add(id);
        }
        manager.AddOrUpdate<PostStaffAlertsJob>("post-staff-alerts", j => j.RunAsync(CancellationToken.None), Cron.Minutely(),
            new RecurringJobOptions { MisfireHandling = MisfireHandlingMode.Ignorable });
        // Retention is the deployment's, not a tenant's: one run a day in the host's time zone.
        var retentionAt = (retention?.Value ?? new RetentionOptions()).RunAt;
        manager.AddOrUpdate<RetentionJob>(RetentionJob.RecurringId, j => j.RunAsync(CancellationToken.None), Cron.Daily(retentionAt.Hour, retentionAt.Minute),
            new RecurringJobOptions { TimeZone = (questionnaires?.Value ?? new QuestionnaireBotOptions()).TimeZone, MisfireHandling = MisfireHandlingMode.Relaxed });
        manager.AddOrUpdate<DispatchFollowUpsJob>("sweep-follow-up-batches", j => j.SweepAsync(CancellationToken.None), "*/5 * * * *",
            new RecurringJobOptions { MisfireHandling = MisfireHandlingMode.Ignorable });

        using var connection = storage.GetConnection();
        foreach (var gone in connection.GetRecurringJobs().Select(j => j.Id).Where(id => id.StartsWith(TenantPrefix, StringComparison.Ordinal) && !wanted.Contains(id)))
        {
            manager.RemoveIfExists(gone);
            logger.LogInformation("Recurring job {Job} removed: its tenant or time slot is no longer configured", gone);
        }
        logger.LogInformation("Recurring jobs in line with the configuration: {Count} for {Tenants} tenants", wanted.Count, current.Count(t => t.Value.Line is not null));
    }
}

using ChatSupport.Persistence;
using ChatSupport.Persistence.Reports;
using ChatSupport.Questionnaires;
using ChatSupport.Web.Hosting;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace ChatSupport.Web.Reports;

/// <summary>
/// Counts one tenant-local day of one tenant (every questionnaire) into <c>daily_figures</c>, replacing that day's
/// rows: the nightly run counts yesterday shortly after local midnight; a backfill runs it for each day of a range.
/// Re-running a day (late answers, a fixed area table) gives the rows a first run would have given.
/// </summary>
public sealed class AggregateDailyJob(IDbContextFactory<ChatSupportDbContext> contexts, ReportTenants tenants, QuestionnaireCatalog catalog, TimeProvider clock, ILogger<AggregateDailyJob> logger)
{
    /// <summary>The most days one backfill request may enqueue.</summary>
    public const int MaxBackfillDays = 732;

    /// <summary>The nightly run: yesterday in the tenant's time zone, and the days before it that are counted again (<c>RecountDays</c>).</summary>
    [AutomaticRetry(Attempts = 5)]
    public async Task<int> RunYesterdayAsync(string tenantId, CancellationToken ct)
    {
        var tenant = tenants.Get(tenantId);
        var yesterday = tenant.Yesterday(clock.GetUtcNow());
        var rows = 0;
        for (var back = tenant.RecountDays - 1; back >= 0; back--)
            rows += await RunAsync(tenantId, yesterday.AddDays(-back).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ct);
        return rows;
    }

    /// <summary>One day (yyyy-MM-dd: Hangfire stores the argument as text).</summary>
    [AutomaticRetry(Attempts = 5)]
    public async Task<int> RunAsync(string tenantId, string day, CancellationToken ct)
    {
        var date = DateOnly.ParseExact(day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var tenant = tenants.Get(tenantId);
        var (from, to) = tenant.Bounds(date);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await using var db = contexts.CreateDbContext();
        var rows = await DailyAggregation.RunAsync(db, Request(tenant, date, from, to), ct);
        logger.LogInformation("Daily figures of {Tenant} for {Day}: {Rows} rows in {Elapsed:F1} s",
            tenantId, day, rows, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        return rows;
    }

    public AggregationRequest Request(ReportTenant tenant, DateOnly date, DateTimeOffset from, DateTimeOffset to) =>
        AggregationRequest.For(catalog, tenant.Id, date, from, to, tenant.Bands, tenant.K, tenant.Areas is not null) with
        {
            AreaRows = [.. (tenant.Areas ?? []).Select(a => (a.Key, a.Area, a.HealthArea))],
        };
}

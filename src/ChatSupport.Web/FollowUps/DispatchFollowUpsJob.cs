using ChatSupport.Bots;
using ChatSupport.Channels.Line;
using ChatSupport.Persistence;
using ChatSupport.Questionnaires;
using ChatSupport.Web.Hosting;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ChatSupport.Tenants;

namespace ChatSupport.Web.FollowUps;

/// <summary>LINE refused a batch for good (a 4xx other than 429): not retried, shown as failed in the dashboard and the staff API.</summary>
public sealed class FollowUpBatchRejectedException(string message) : Exception(message);

/// <summary>LINE could not be reached or asked us to wait, after the client's own retries: Hangfire tries the job again later.</summary>
public sealed class LineUnavailableException(string message) : Exception(message);

/// <summary>
/// Sends one batch: a multicast of the invitation to its recipients (the same message for all of them) with the batch's
/// retry key, so a retried job, a restarted server or a second server never delivers it twice (LINE answers 409 for a
/// key it accepted, which counts as sent). Residents who blocked the account, stopped follow-ups or were erased since
/// planning are skipped. A batch whose day is over expires instead of arriving a day late.
/// </summary>
public sealed class DispatchFollowUpsJob(
    IDbContextFactory<ChatSupportDbContext> contexts, IOptionsMonitor<TenantsOptions> tenants, QuestionnaireCatalog catalog, LineClient line,
    MessageBudget budget, IBackgroundJobClientV2 jobs, TimeProvider clock, ILogger<DispatchFollowUpsJob> logger)
{
    [AutomaticRetry(Attempts = 8, DelaysInSeconds = [10, 30, 60, 120, 300, 600, 1200, 1800], ExceptOn = [typeof(FollowUpBatchRejectedException)])]
    public async Task<string> RunAsync(long batchId, CancellationToken ct)
    {
        await using var db = contexts.CreateDbContext();
        var batch = await db.FollowUpBatches.AsNoTracking().FirstOrDefaultAsync(b => b.Id == batchId, ct);
        if (batch is null || batch.Status != BatchStatus.Planned) return batch?.Status ?? "gone";
        var tenant = tenants.CurrentValue.GetValueOrDefault(batch.TenantId);
        var now = clock.GetUtcNow();
        if (tenant?.Line is null || IsOver(batch.LocalDate, tenant, now))
            return await FinishAsync(db, batch, BatchStatus.Expired, "its day's sending window is over", [], ct);

        var planned = await (
            from d in db.FollowUpDeliveries
            where d.BatchId == batchId && d.Status == "planned"
            join r in db.Residents on d.ResidentId equals r.Id into found
            from r in found.DefaultIfEmpty()
            select new { d.ResidentId, ChannelUserId = r != null && !r.Blocked && !r.FollowUpsStopped ? r.ChannelUserId : null }).ToListAsync(ct);
        var recipients = planned.Where(p => p.ChannelUserId is not null).ToList();
        var skipped = planned.Where(p => p.ChannelUserId is null).Select(p => p.ResidentId).ToList();
        if (recipients.Count == 0) return await FinishAsync(db, batch, BatchStatus.Sent, null, skipped, ct);
        if (!await budget.AllowAsync(db, batch.TenantId, recipients.Count, ct))
            return await FinishAsync(db, batch, BatchStatus.Held, "over the monthly message budget", skipped, ct);

        var to = recipients.Select(r => LineActivityMapper.SplitKey(r.ChannelUserId!).LineId).ToList();
        var message = FollowUpTexts.Message(catalog, batch.Source, batch.Rule, batch.Kind, batch.Questionnaire, batch.Locale);
        var result = await line.MulticastAsync(batch.TenantId, to, [message], Guid.Parse(batch.RetryKey), ct);
        if (result.Delivered) return await FinishAsync(db, batch, BatchStatus.Sent, null, skipped, ct, recipients.Count);
        var error = $"{result.Status} {result.Error} (request id {result.RequestId})";
        if (result.Status is >= 400 and < 500 and not 429 and not 409)
        {
            await FinishAsync(db, batch, BatchStatus.Failed, error, skipped, ct);
            throw new FollowUpBatchRejectedException($"LINE refused follow-up batch {batchId}: {error}");
        }
        await db.FollowUpBatches.Where(b => b.Id == batchId).ExecuteUpdateAsync(s => s
            .SetProperty(b => b.Attempts, b => b.Attempts + 1).SetProperty(b => b.LastError, error), ct);
        throw new LineUnavailableException($"Follow-up batch {batchId} not sent yet: {error}");
    }

    /// <summary>A batch's day is over once its local date has passed or the tenant's latest sending time has.</summary>
    public static bool IsOver(DateOnly day, TenantOptions tenant, DateTimeOffset now)
    {
        var clock = tenant.Clock(now);
        return clock.Today > day || (clock.Today == day && tenant.PastSendingHours(clock));
    }

    /// <summary>
    /// Ends a batch once, in one transaction: only the job that moves it from planned records it (a second job for the
    /// same batch, which got LINE's 409, changes nothing and counts nothing). Residents of a batch that did not go
    /// (expired, held, failed) are due again the next day instead of waiting for their rule's next turn.
    /// </summary>
    private async Task<string> FinishAsync(ChatSupportDbContext db, FollowUpBatchRow batch, string status, string? reason, IReadOnlyList<string> skipped, CancellationToken ct, int sent = 0)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var claimed = await db.FollowUpBatches.Where(b => b.Id == batch.Id && b.Status == BatchStatus.Planned).ExecuteUpdateAsync(s => s
            .SetProperty(b => b.Status, status).SetProperty(b => b.Attempts, b => b.Attempts + 1).SetProperty(b => b.LastError, reason)
            .SetProperty(b => b.SentAt, status == BatchStatus.Sent ? now : null)
            .SetProperty(b => b.Recipients, b => status == BatchStatus.Sent ? sent : b.Recipients), ct);
        if (claimed == 0) return (await db.FollowUpBatches.AsNoTracking().FirstAsync(b => b.Id == batch.Id, ct)).Status;
        if (skipped.Count > 0)
            await db.FollowUpDeliveries.Where(d => d.BatchId == batch.Id && skipped.Contains(d.ResidentId))
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, "skipped"), ct);
        if (status == BatchStatus.Sent && sent > 0) await budget.CountAsync(db, batch.TenantId, sent, ct);
        if (status != BatchStatus.Sent && batch.Kind == FollowUpKinds.Prompt)
        {
            var day = batch.LocalDate;
            var residents = db.FollowUpDeliveries.Where(d => d.BatchId == batch.Id && d.Status == "planned").Select(d => d.ResidentId);
            await db.Residents.Where(r => residents.Contains(r.Id) && r.NextFollowUp > day)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.NextFollowUp, day), ct);
        }
        await tx.CommitAsync(ct);
        batch.Status = status;
        if (reason is not null) logger.LogWarning("Follow-up batch {Batch} of {Tenant} for {Day}: {Status} ({Reason})", batch.Id, batch.TenantId, batch.LocalDate, status, reason);
        return status;
    }

    /// <summary>
    /// Batches planned but never dispatched (the planner crashed between its commit and the enqueue): enqueued again,
    /// well after their time. A batch is sent at most once whatever happens, so a second job for it only finds it done.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        await using var db = contexts.CreateDbContext();
        var before = clock.GetUtcNow() - TimeSpan.FromMinutes(30);
        // Attempts = 0: a batch Hangfire is retrying (LINE down) has its own job and is left to it.
        var orphans = await db.FollowUpBatches.AsNoTracking().Where(b => b.Status == BatchStatus.Planned && b.Attempts == 0 && b.NotBefore < before)
            .OrderBy(b => b.Id).Select(b => b.Id).Take(1000).ToListAsync(ct);
        foreach (var id in orphans) jobs.Enqueue<DispatchFollowUpsJob>(j => j.RunAsync(id, CancellationToken.None));
        return orphans.Count;
    }
}

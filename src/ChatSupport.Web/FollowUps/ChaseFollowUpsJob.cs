using ChatSupport.Bots;
using ChatSupport.Channels.Line;
using ChatSupport.Persistence;
using ChatSupport.Persistence.Stores;
using ChatSupport.Questionnaires;
using ChatSupport.Web.Hosting;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ChatSupport.Tenants;

namespace ChatSupport.Web.FollowUps;

/// <summary>
/// The no-answer ladder, run every few minutes per tenant: for each of today's and yesterday's sent invitation batches, each step whose
/// delay has passed since it was sent (reminders, then a staff alert "unreachable") is taken once, for the residents of
/// the batch who have completed no response since. Those who answered get nothing more; reminders obey the latest
/// sending time, alerts do not (staff should hear of it the same day).
/// </summary>
public sealed class ChaseFollowUpsJob(
    IDbContextFactory<ChatSupportDbContext> contexts, FollowUpStore followUps, IOptionsMonitor<TenantsOptions> tenants, QuestionnaireCatalog catalog, IBackgroundJobClientV2 jobs,
    TimeProvider clock, ILogger<ChaseFollowUpsJob> logger)
{
    /// <summary>No ladder has more steps than this (it bounds the batches read on every run).</summary>
    private const int MaxSteps = 10;

    [AutomaticRetry(Attempts = 2)]
    public async Task<int> RunAsync(string tenantId, CancellationToken ct)
    {
        if (tenants.CurrentValue.GetValueOrDefault(tenantId) is not { } tenant) return 0;
        var now = clock.GetUtcNow();
        var day = tenant.Clock(now);
        var today = day.Today;
        await using var db = contexts.CreateDbContext();
        var prompts = await db.FollowUpBatches
            .Where(b => b.TenantId == tenantId && b.LocalDate >= today.AddDays(-1) && b.Kind == FollowUpKinds.Prompt && b.Status == BatchStatus.Sent
                && b.ChasedSteps < MaxSteps)
            .OrderBy(b => b.Id).ToListAsync(ct);
        var taken = 0;
        foreach (var prompt in prompts)
        {
            var steps = FollowUpTexts.Ladder(catalog, prompt.Source, prompt.Rule).Steps().ToList();
            while (prompt.ChasedSteps < steps.Count && prompt.SentAt + steps[prompt.ChasedSteps].After <= now)
            {
                var (step, _, alert) = steps[prompt.ChasedSteps];
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                long? reminderBatch = null;
                // An alert is raised even after midnight (staff must hear of it); a reminder only on the day, in sending hours.
                if (alert) await followUps.RaiseUnreachableAsync(db, prompt, now, ct);
                else if (prompt.LocalDate == today && !tenant.PastSendingHours(day))
                    reminderBatch = await RemindAsync(db, prompt, step, now, ct);
                prompt.ChasedSteps++;
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                if (reminderBatch is { } id) jobs.Enqueue<DispatchFollowUpsJob>(j => j.RunAsync(id, CancellationToken.None));
                taken++;
            }
        }
        if (taken > 0) logger.LogInformation("Follow-ups of {Tenant} for {Day}: {Steps} no-answer steps taken", tenantId, today, taken);
        return taken;
    }

    private async Task<long?> RemindAsync(ChatSupportDbContext db, FollowUpBatchRow prompt, int step, DateTimeOffset now, CancellationToken ct)
    {
        var batch = new FollowUpBatchRow
        {
            TenantId = prompt.TenantId, LocalDate = prompt.LocalDate, Kind = FollowUpKinds.Reminder(step), Source = prompt.Source, Rule = prompt.Rule,
            Questionnaire = prompt.Questionnaire, Locale = prompt.Locale, RetryKey = Guid.NewGuid().ToString("D"), Status = BatchStatus.Planned,
            NotBefore = now, CreatedAt = now,
        };
        db.FollowUpBatches.Add(batch);
        await db.SaveChangesAsync(ct);
        batch.Recipients = await followUps.RecordRemindersAsync(db, prompt, batch.Id, batch.Kind, ct);
        if (batch.Recipients > 0) return batch.Id;
        db.FollowUpBatches.Remove(batch); // everybody answered
        return null;
    }
}

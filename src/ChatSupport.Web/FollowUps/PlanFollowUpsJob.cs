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
using ChatSupport.Residents;

namespace ChatSupport.Web.FollowUps;

/// <summary>What a planning run did.</summary>
public sealed record PlanResult(DateOnly Day, int Residents, int Batches, string Outcome);

/// <summary>
/// The day's planning for one tenant and time slot: walks the residents due (keyset pagination over the partial index
/// ix_residents_next_follow_up, 500 at a time, so memory stays flat however many there are), records each resident ×
/// day × kind under its unique key with the batch it goes in, moves each resident on by the rule's interval (an
/// unanswered weekly follow-up comes back a week later, not every day), and enqueues one dispatch job per batch, spread
/// over the sending window. A re-run, or a second server running it at the same time, plans nobody twice.
/// </summary>
public sealed class PlanFollowUpsJob(
    IDbContextFactory<ChatSupportDbContext> contexts, FollowUpStore followUps, IOptionsMonitor<TenantsOptions> tenants, QuestionnaireCatalog catalog, IBackgroundJobClientV2 jobs,
    MessageBudget budget, TimeProvider clock, ILogger<PlanFollowUpsJob> logger, IOptions<QuestionnaireBotOptions>? botOptions = null)
{
    public const int BatchSize = 500;
    /// <summary>Residents read and recorded per transaction: a few batches' worth, so a page costs a handful of round trips.</summary>
    public const int PageSize = 4 * BatchSize;

    [AutomaticRetry(Attempts = 3)]
    public Task<PlanResult> RunAsync(string tenantId, int minuteOfDay, CancellationToken ct) => RunAsync(tenantId, minuteOfDay, null, ct);

    /// <summary>Plans the residents of a slot (the tenant's hour, or a policy's own time); sending starts at the slot's time or <paramref name="sendFrom"/>.</summary>
    [AutomaticRetry(Attempts = 3)]
    public async Task<PlanResult> RunAsync(string tenantId, int minuteOfDay, DateTimeOffset? sendFrom, CancellationToken ct)
    {
        if (tenants.CurrentValue.GetValueOrDefault(tenantId) is not { Line: not null } tenant) return new(default, 0, 0, "no such tenant");
        var now = clock.GetUtcNow();
        var day = tenant.Clock(now);
        var (zone, today) = (day.TimeZone, day.Today);
        if (tenant.PastSendingHours(day))
        {
            // A worker that was down at the hour catches up the same day; after the sending window nobody is woken up.
            logger.LogWarning("Follow-ups of {Tenant} at {Slot} for {Day} not planned: it is past {Latest}", tenantId, Slot(minuteOfDay), today, tenant.FollowUps.LatestSendingTime);
            return new(today, 0, 0, "too late");
        }

        await using var db = contexts.CreateDbContext();
        // Residents whose observation period has ended leave the index.
        await db.Residents.Where(r => r.TenantId == tenantId && r.NextFollowUp != null && r.FollowUpUntil < today)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.NextFollowUp, (DateOnly?)null), ct);
        var slot = new DueSlot(tenantId, today, minuteOfDay, tenant.FollowUpHour * 60, [.. PolicyMinutes(catalog)]);
        var expected = await followUps.CountDueAsync(db, slot, ct);
        if (expected == 0) return new(today, 0, 0, "nobody due");
        if (!await budget.AllowAsync(db, tenantId, expected, ct) || !await budget.AllowByLineQuotaAsync(tenantId, expected, ct))
            return new(today, expected, 0, "held: over budget");

        // Spread over the window from the slot's time (or now, when catching up).
        var slotUtc = zone.At(today, new TimeOnly(minuteOfDay / 60, minuteOfDay % 60));
        var latestUtc = zone.At(today, tenant.FollowUps.LatestSendingTime);
        var from = sendFrom ?? slotUtc;
        var start = from > now ? from : now;
        var expectedBatches = (expected + BatchSize - 1) / BatchSize;
        // Never past the latest sending time: a window that would end later (catching up in the evening) is shortened.
        var window = start + tenant.FollowUps.SendingWindow > latestUtc ? (latestUtc - start) * 0.9 : tenant.FollowUps.SendingWindow;
        var spacing = expectedBatches > 1 && window > TimeSpan.Zero ? window / expectedBatches : TimeSpan.Zero;

        var (residents, batches) = (0, 0);
        (DateOnly Day, string Id) cursor = (DateOnly.MinValue, "");
        var enqueueing = Task.CompletedTask;
        // A shutdown stops after a whole page: what is committed has its jobs, the rest is planned by the next run.
        while (!ct.IsCancellationRequested)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var page = await followUps.NextDuePageAsync(db, slot, cursor, PageSize, ct);
            if (page.Count == 0) break;
            cursor = (page[^1].NextFollowUp, page[^1].Id);
            // Never an invitation to a questionnaire the tenant does not offer (its list changed since the resident was
            // scheduled): those residents leave the index instead.
            var offered = tenant.BotOptions(botOptions?.Value ?? new QuestionnaireBotOptions()).OfferedIn(catalog);
            var notOffered = page.Where(r => r.FollowUpQuestionnaire is { } q && !offered.Contains(q)).Select(r => r.Id).ToList();
            if (notOffered.Count > 0)
            {
                await db.Residents.Where(r => notOffered.Contains(r.Id)).ExecuteUpdateAsync(s => s.SetProperty(r => r.NextFollowUp, (DateOnly?)null), ct);
                page = [.. page.Where(r => !notOffered.Contains(r.Id))];
            }
            var planned = await PlanPageAsync(db, followUps, tenantId, tenant, today, page, start + spacing * batches, spacing, latestUtc, now, ct);
            await tx.CommitAsync(ct);
            // Each batch's job is enqueued while the next page is planned (one page's worth at a time).
            await enqueueing;
            enqueueing = Task.Run(() => Parallel.ForEach(planned, batch =>
            {
                if (batch.NotBefore <= now) jobs.Enqueue<DispatchFollowUpsJob>(j => j.RunAsync(batch.Id, CancellationToken.None));
                else jobs.Schedule<DispatchFollowUpsJob>(j => j.RunAsync(batch.Id, CancellationToken.None), batch.NotBefore);
            }), CancellationToken.None);
            residents += planned.Sum(b => b.Recipients);
            batches += planned.Count;
        }
        await enqueueing;
        ct.ThrowIfCancellationRequested();
        logger.LogInformation("Follow-ups of {Tenant} at {Slot} for {Day}: {Residents} residents in {Batches} batches", tenantId, Slot(minuteOfDay), today, residents, batches);
        return new(today, residents, batches, "planned");
    }

    /// <summary>
    /// In the page's transaction: batches of at most 500 per source, rule and language (one insert) and every resident's
    /// unique delivery record (one insert).
    /// </summary>
    private static async Task<List<FollowUpBatchRow>> PlanPageAsync(ChatSupportDbContext db, FollowUpStore followUps, string tenantId, TenantOptions tenant, DateOnly today,
        List<DueResident> page, DateTimeOffset notBefore, TimeSpan spacing, DateTimeOffset latest, DateTimeOffset now, CancellationToken ct)
    {
        var chunks = page.Where(r => r.FollowUpQuestionnaire is not null)
            .GroupBy(r => (Source: r.FollowUpSource ?? r.FollowUpQuestionnaire!, Rule: r.FollowUpRule ?? "", Questionnaire: r.FollowUpQuestionnaire!, Locale: Locales.Language(r.Locale ?? tenant.Locale)))
            .SelectMany(g => g.Chunk(BatchSize).Select(chunk => (g.Key, Residents: chunk)))
            .ToList();
        var batches = chunks.Select((c, i) => new FollowUpBatchRow
        {
            TenantId = tenantId, LocalDate = today, Kind = FollowUpKinds.Prompt, Source = c.Key.Source, Rule = c.Key.Rule,
            Questionnaire = c.Key.Questionnaire, Locale = c.Key.Locale, RetryKey = Guid.NewGuid().ToString("D"), Recipients = c.Residents.Length,
            Status = BatchStatus.Planned, NotBefore = Min(notBefore + spacing * i, latest), CreatedAt = now,
        }).ToList();
        db.FollowUpBatches.AddRange(batches);
        await db.SaveChangesAsync(ct);
        var rows = chunks.SelectMany((c, i) => c.Residents.Select(r => (r.Id, batches[i].Id))).ToList();
        if (await followUps.RecordDeliveriesAsync(db, rows, today, FollowUpKinds.Prompt, ct) < rows.Count)
        {
            // Another run recorded some of them first (two planners at once): count what is really ours.
            var ids = batches.Select(b => b.Id).ToList();
            var counts = await db.FollowUpDeliveries.Where(d => ids.Contains(d.BatchId)).GroupBy(d => d.BatchId)
                .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
            foreach (var batch in batches) batch.Recipients = counts.GetValueOrDefault(batch.Id);
            db.FollowUpBatches.RemoveRange(batches.Where(b => b.Recipients == 0));
            await db.SaveChangesAsync(ct);
            batches.RemoveAll(b => b.Recipients == 0);
        }
        if (!FollowUpStore.MovesOnDueResidents(db))
            foreach (var interval in page.GroupBy(r => r.FollowUpEveryDays ?? 1))
            {
                var ids = interval.Select(r => r.Id).ToList();
                var next = today.AddDays(interval.Key);
                await db.Residents.Where(r => ids.Contains(r.Id)).ExecuteUpdateAsync(s => s.SetProperty(r => r.NextFollowUp, next), ct);
            }
        return batches;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    /// <summary>The policies' own times of day (minutes after local midnight): each is a planning slot besides the tenant's hour.</summary>
    public static IEnumerable<int> PolicyMinutes(QuestionnaireCatalog catalog) =>
        catalog.All.Select(d => d.FollowUp?.At).OfType<TimeOnly>().Select(t => t.Hour * 60 + t.Minute).Distinct();

    public static string Slot(int minute) => $"{minute / 60:00}:{minute % 60:00}";
}

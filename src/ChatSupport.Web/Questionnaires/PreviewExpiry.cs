using ChatSupport.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ChatSupport.Web.Questionnaires;

/// <summary>
/// Removes what an expired preview leaves: the preview, the state of every conversation it ran (nothing of a preview is
/// anywhere else: its answers never reach the residents' tables) and wrong-code attempts older than the refusal window.
/// Every server runs it once a minute (the statements are idempotent); an expired preview opens nothing meanwhile.
/// </summary>
public sealed class PreviewExpiry(IDbContextFactory<ChatSupportDbContext> contexts, TimeProvider clock, ILogger<PreviewExpiry> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    public sealed record Removed(int Previews, int Conversations, int Attempts);

    public async Task<Removed> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var attemptsBefore = now - QuestionnairePreviews.WrongCodeWindow;
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var keys = await db.Set<PreviewConversationRow>().Where(c => c.ExpiresAt <= now).Select(c => c.StateKey).Distinct().ToListAsync(ct);
        foreach (var chunk in keys.Chunk(500))
            await db.StateDocuments.Where(d => chunk.Contains(d.Key)).ExecuteDeleteAsync(ct);
        var conversations = await db.Set<PreviewConversationRow>().Where(c => c.ExpiresAt <= now).ExecuteDeleteAsync(ct);
        var previews = await db.Set<PreviewRow>().Where(p => p.ExpiresAt <= now).ExecuteDeleteAsync(ct);
        var attempts = await db.Set<PreviewAttemptRow>().Where(a => a.At <= attemptsBefore).ExecuteDeleteAsync(ct);
        await transaction.CommitAsync(ct);
        if (previews + conversations > 0) logger.LogInformation("Removed {Previews} expired previews and {Conversations} preview conversations", previews, conversations);
        return new Removed(previews, conversations, attempts);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await RunAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Removing expired previews failed ({Error}); trying again in a minute", e.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

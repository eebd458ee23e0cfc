using ChatSupport.Persistence;
using ChatSupport.Questionnaires;
using ChatSupport.Web.Questionnaires;
using Microsoft.EntityFrameworkCore;

namespace ChatSupport.Web.Reports;

/// <summary>
/// Records each questionnaire's version and follow-up policy (the fingerprint of its <c>follow_up</c> section, computed by
/// the loader) the first time a running ChatSupport serves them — at start and at each publication — so that the reports
/// can mark the day a policy changed: from then on, who is asked again and how often is not what it was, and the figures
/// mean something else.
/// </summary>
public sealed class QuestionnaireRevisions(IDbContextFactory<ChatSupportDbContext> contexts, QuestionnaireLibrary library, TimeProvider clock,
    ILogger<QuestionnaireRevisions> logger) : IHostedService
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Task _recording = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        library.Changed += OnPublished;
        await RecordAsync(library.Current, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        library.Changed -= OnPublished;
        return _recording;
    }

    /// <summary>The follow-up policy's fingerprint, or "none" without one.</summary>
    public static string PolicyHash(QuestionnaireDefinition questionnaire) => questionnaire.FollowUp?.Fingerprint is { Length: > 0 } f ? f : "none";

    private void OnPublished(QuestionnaireCatalog catalog) => _recording = RecordLoggedAsync(catalog);

    private async Task RecordLoggedAsync(QuestionnaireCatalog catalog)
    {
        try
        {
            await RecordAsync(catalog, CancellationToken.None);
        }
        catch (Exception e) // recorded at the next publication or start
        {
            logger.LogError(e, "Questionnaire revisions not recorded");
        }
    }

    /// <summary>Adds the (questionnaire, version, policy) rows of <paramref name="catalog"/> not recorded yet.</summary>
    public async Task RecordAsync(QuestionnaireCatalog catalog, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            foreach (var q in catalog.All)
            {
                var hash = PolicyHash(q);
                if (await db.QuestionnaireRevisions.AnyAsync(r => r.QuestionnaireId == q.Id && r.Version == q.Version && r.PolicyHash == hash, cancellationToken)) continue;
                db.QuestionnaireRevisions.Add(new QuestionnaireRevisionRow { QuestionnaireId = q.Id, Version = q.Version, PolicyHash = hash, FirstSeenAt = clock.GetUtcNow() });
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                    logger.LogInformation("Questionnaire {Questionnaire} version {Version} with follow-up policy {Policy} recorded", q.Id, q.Version, hash[..Math.Min(12, hash.Length)]);
                }
                catch (DbUpdateException)
                {
                    db.ChangeTracker.Clear(); // another node recorded it first
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}

using ChatSupport.Persistence.Stores;
using ChatSupport.Web.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.EntityFrameworkCore;
using ChatSupport.Persistence;

namespace ChatSupport.Web.Jobs;

/// <summary>How long rows nobody uses are kept (days); see README, "Retention".</summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Retention";
    /// <summary>
    /// Conversation state, and the user state of callers who never consented, not written for this many days is removed
    /// (a new message starts afresh). A resident's own user state stays until they are erased.
    /// </summary>
    public int ConversationStateDays { get; set; } = 30;
    /// <summary>A response left in progress with no answer for this many days is removed with its answers.</summary>
    public int AbandonedResponseDays { get; set; } = 30;
    /// <summary>LINE inbox and outbox rows left failed are kept this many days for investigation, then removed.</summary>
    public int FailedLineRowDays { get; set; } = 14;
    /// <summary>When the daily run starts, in Questionnaires:TimeZoneId.</summary>
    public TimeOnly RunAt { get; set; } = new(3, 15);

    public RetentionPolicy Policy() => new(TimeSpan.FromDays(ConversationStateDays), TimeSpan.FromDays(AbandonedResponseDays), TimeSpan.FromDays(FailedLineRowDays));
}

/// <summary>The daily retention run (a recurring Hangfire job of the deployment, not of a tenant): <see cref="Retention"/>.</summary>
public sealed class RetentionJob(IDbContextFactory<ChatSupportDbContext> contexts, IOptions<RetentionOptions> options, Persistence.Residents.ResidentKeys residents, TimeProvider clock, ILogger<RetentionJob> logger)
{
    public const string RecurringId = "retention";

    public async Task<RetentionResult> RunAsync(CancellationToken ct)
    {
        var removed = await Retention.RunAsync(contexts, options.Value.Policy(), residents, clock.GetUtcNow(), ct);
        logger.LogInformation("Retention removed {State} state documents, {Responses} abandoned responses with {Answers} answers, {Inbox} failed LINE events and {Outbox} failed LINE messages",
            removed.StateDocuments, removed.Responses, removed.Answers, removed.LineInbox, removed.LineOutbox);
        return removed;
    }
}

using ChatSupport.Activities;
using ChatSupport.Bots;
using ChatSupport.Persistence.Residents;
using ChatSupport.Questionnaires;
using ChatSupport.Residents;
using ChatSupport.State;

namespace ChatSupport.Persistence.Stores;

/// <summary>
/// One turn on the database: the bot built on the context's stores, run in one transaction in which conversation and
/// user state, answers, responses and the follow-up schedule commit together. On PostgreSQL the state and answer
/// writes go in one round trip just before the commit. The replies are returned only if the commit succeeded.
/// </summary>
public static class DatabaseTurn
{
    public static async Task<IReadOnlyList<Activity>> RunAsync(ChatSupportDbContext db, QuestionnaireCatalog catalog, ResidentKeys keys,
        QuestionnaireBotOptions options, TimeProvider clock, Activity activity, IResponseHistory? history = null, CancellationToken cancellationToken = default,
        TurnHooks? hooks = null, IQuestionnaireVersions? versions = null, Func<ChatSupportDbContext, IQuestionnairePreviews>? previews = null)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (hooks?.BeforeTurn is { } before && !await before(db, cancellationToken).ConfigureAwait(false)) return [];
        var batch = new TurnBatch(db);
        var storage = new EfStorage(db, clock, batch);
        var bot = new QuestionnaireBot(catalog, new ConversationState(storage), new UserState(storage),
            history ?? new EfResponseHistory(db, keys), options, new EfResponseEventSink(db, keys, clock, batch), versions, previews?.Invoke(db));
        var replies = await new BufferedAdapter().ProcessActivityAsync(activity, bot, cancellationToken).ConfigureAwait(false);
        if (hooks?.BeforeCommit is { } after) await after(db, batch, replies, cancellationToken).ConfigureAwait(false);
        await batch.FlushAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        await Erasure.AfterCommitAsync(db, cancellationToken).ConfigureAwait(false);
        return replies;
    }
}

/// <summary>
/// Work a channel does in the turn's transaction: before the turn (return false to skip it, e.g. an event another
/// process already handled) and before the commit (e.g. mark the event done and keep the replies to send), whose
/// statements can join the turn's batch (<see cref="TurnBatch.ExecuteAsync"/>).
/// </summary>
public sealed record TurnHooks(
    Func<ChatSupportDbContext, CancellationToken, Task<bool>>? BeforeTurn = null,
    Func<ChatSupportDbContext, TurnBatch, IReadOnlyList<Activity>, CancellationToken, Task>? BeforeCommit = null);

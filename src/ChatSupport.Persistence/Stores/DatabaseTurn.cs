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
        QuestionnaireBotOptions options, TimeProvider clock, Activity activity, IResponseHistory? history = null, CancellationToken cancellationToken = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var batch = new TurnBatch(db);
        var storage = new EfStorage(db, clock, batch);
        var bot = new QuestionnaireBot(catalog, new ConversationState(storage), new UserState(storage),
            history ?? new EfResponseHistory(db, keys), options, new EfResponseEventSink(db, keys, clock, batch));
        var replies = await new BufferedAdapter().ProcessActivityAsync(activity, bot, cancellationToken).ConfigureAwait(false);
        await batch.FlushAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return replies;
    }
}

using ChatSupport.Activities;

namespace ChatSupport.Bots;

/// <summary>
/// An adapter that returns a turn's replies to the caller instead of sending them, as Bot Framework's
/// <c>deliveryMode: expectReplies</c> does. Used by the terminal tool, tests, benchmarks and the web chat.
/// </summary>
public sealed class BufferedAdapter : BotAdapter
{
    private const string RepliesKey = "ChatSupport.BufferedReplies";

    public async Task<IReadOnlyList<Activity>> ProcessActivityAsync(Activity activity, IBot bot, CancellationToken cancellationToken = default)
    {
        var context = new TurnContext(this, activity);
        var replies = new List<Activity>();
        context.TurnState.Set(RepliesKey, replies);
        await RunPipelineAsync(context, bot.OnTurnAsync, cancellationToken).ConfigureAwait(false);
        return replies;
    }

    public override Task SendActivitiesAsync(ITurnContext turnContext, IReadOnlyList<Activity> activities, CancellationToken cancellationToken)
    {
        var replies = turnContext.TurnState.Get<List<Activity>>(RepliesKey)
            ?? throw new InvalidOperationException("The turn was not started by this adapter.");
        replies.AddRange(activities);
        return Task.CompletedTask;
    }
}

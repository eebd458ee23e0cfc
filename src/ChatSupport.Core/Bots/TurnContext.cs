using ChatSupport.Activities;

namespace ChatSupport.Bots;

/// <summary>The turn context the adapters create for each incoming activity.</summary>
public sealed class TurnContext(BotAdapter adapter, Activity activity) : ITurnContext
{
    public BotAdapter Adapter { get; } = adapter;
    public Activity Activity { get; } = activity;
    public TurnStateCollection TurnState { get; } = new();
    public bool Responded { get; private set; }

    public Task SendActivityAsync(Activity activity, CancellationToken cancellationToken = default) =>
        SendActivitiesAsync([activity], cancellationToken);

    public async Task SendActivitiesAsync(IReadOnlyList<Activity> activities, CancellationToken cancellationToken = default)
    {
        if (activities.Count == 0) return;
        foreach (var a in activities) a.ApplyConversationReference(Activity);
        await Adapter.SendActivitiesAsync(this, activities, cancellationToken).ConfigureAwait(false);
        if (activities.Any(a => a.Type == ActivityTypes.Message)) Responded = true;
    }
}

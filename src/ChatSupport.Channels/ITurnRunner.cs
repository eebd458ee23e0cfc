using ChatSupport.Activities;

namespace ChatSupport.Channels;

/// <summary>
/// Runs one incoming activity as a turn of the bot and returns its replies, once the turn's state, answers and
/// follow-up changes are committed. The host implements it (with its database); channels only call it.
/// </summary>
public interface ITurnRunner
{
    Task<IReadOnlyList<Activity>> RunAsync(Activity activity, CancellationToken cancellationToken);
}

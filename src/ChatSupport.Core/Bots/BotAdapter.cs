using ChatSupport.Activities;

namespace ChatSupport.Bots;

/// <summary>
/// Connects a channel to the bot: builds the turn context, runs the middleware in the order added,
/// then the bot, and sends what the turn produced by the channel's own means.
/// </summary>
public abstract class BotAdapter
{
    private readonly List<IMiddleware> _middleware = [];

    /// <summary>Called with any exception the pipeline throws; the default rethrows.</summary>
    public Func<ITurnContext, Exception, Task>? OnTurnError { get; set; }

    public BotAdapter Use(IMiddleware middleware)
    {
        _middleware.Add(middleware);
        return this;
    }

    public abstract Task SendActivitiesAsync(ITurnContext turnContext, IReadOnlyList<Activity> activities, CancellationToken cancellationToken);

    protected async Task RunPipelineAsync(ITurnContext turnContext, BotCallbackHandler callback, CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync(0, turnContext, callback, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (OnTurnError is not null)
        {
            await OnTurnError(turnContext, ex).ConfigureAwait(false);
        }
    }

    private Task RunAsync(int index, ITurnContext turnContext, BotCallbackHandler callback, CancellationToken ct)
    {
        if (index == _middleware.Count) return callback(turnContext, ct);
        return _middleware[index].OnTurnAsync(turnContext, next => RunAsync(index + 1, turnContext, callback, next), ct);
    }
}

public delegate Task BotCallbackHandler(ITurnContext turnContext, CancellationToken cancellationToken);

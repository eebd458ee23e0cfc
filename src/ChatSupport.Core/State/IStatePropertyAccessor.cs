using ChatSupport.Bots;

namespace ChatSupport.State;

/// <summary>A named, typed property of a <see cref="BotState"/> document.</summary>
public interface IStatePropertyAccessor<T>
{
    string Name { get; }
    Task<T?> GetAsync(ITurnContext turnContext, Func<T>? defaultValueFactory = null, CancellationToken cancellationToken = default);
    Task SetAsync(ITurnContext turnContext, T value, CancellationToken cancellationToken = default);
    Task DeleteAsync(ITurnContext turnContext, CancellationToken cancellationToken = default);
}

internal sealed class StatePropertyAccessor<T>(BotState state, string name) : IStatePropertyAccessor<T>
{
    public string Name { get; } = name;

    public Task<T?> GetAsync(ITurnContext turnContext, Func<T>? defaultValueFactory = null, CancellationToken cancellationToken = default) =>
        state.GetAsync(turnContext, Name, defaultValueFactory, cancellationToken);

    public Task SetAsync(ITurnContext turnContext, T value, CancellationToken cancellationToken = default) =>
        state.SetAsync(turnContext, Name, value, cancellationToken);

    public Task DeleteAsync(ITurnContext turnContext, CancellationToken cancellationToken = default) =>
        state.DeletePropertyAsync(turnContext, Name, cancellationToken);
}

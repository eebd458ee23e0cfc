using ChatSupport.Activities;

namespace ChatSupport.Bots;

/// <summary>Everything a bot knows and can do during one turn: the incoming activity, replies, per-turn services.</summary>
public interface ITurnContext
{
    BotAdapter Adapter { get; }
    Activity Activity { get; }
    /// <summary>Per-turn services and caches (state caches, clocks, events), keyed by name.</summary>
    TurnStateCollection TurnState { get; }
    bool Responded { get; }
    Task SendActivityAsync(Activity activity, CancellationToken cancellationToken = default);
    Task SendActivitiesAsync(IReadOnlyList<Activity> activities, CancellationToken cancellationToken = default);
}

/// <summary>Typed per-turn values: one instance per type, or per key.</summary>
public sealed class TurnStateCollection
{
    private readonly Dictionary<string, object> _values = new(StringComparer.Ordinal);

    public T? Get<T>(string key) where T : class => _values.TryGetValue(key, out var v) ? v as T : null;
    public T? Get<T>() where T : class => Get<T>(typeof(T).FullName!);
    public void Set<T>(string key, T value) where T : class => _values[key] = value;
    public void Set<T>(T value) where T : class => Set(typeof(T).FullName!, value);
    public bool Remove(string key) => _values.Remove(key);

    public T GetOrAdd<T>(Func<T> create) where T : class
    {
        var key = typeof(T).FullName!;
        if (_values.TryGetValue(key, out var v)) return (T)v;
        var created = create();
        _values[key] = created;
        return created;
    }
}

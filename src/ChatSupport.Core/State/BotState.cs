using System.Text.Json;
using System.Text.Json.Nodes;
using ChatSupport.Bots;

namespace ChatSupport.State;

/// <summary>
/// A state document (conversation or user) read once per turn, exposed as typed properties, and written back
/// with the eTag it was read with, so two turns that raced cannot both win.
/// </summary>
public abstract class BotState(IStorage storage, string contextName)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        // State is stored as UTF-8 text: Japanese stays readable and a third of the size of \u escapes.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly string _cacheKey = "ChatSupport.State." + contextName;
    private readonly IStorage _storage = storage;

    protected abstract string GetStorageKey(ITurnContext turnContext);

    public IStatePropertyAccessor<T> CreateProperty<T>(string name) => new StatePropertyAccessor<T>(this, name);

    public async Task LoadAsync(ITurnContext turnContext, bool force = false, CancellationToken cancellationToken = default)
    {
        if (force) turnContext.TurnState.Remove(_cacheKey);
        await LoadAllAsync(turnContext, [this], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the documents of several states (conversation and user) in one storage call: one round trip to the
    /// database instead of one per state. States already read this turn are left as they are.
    /// </summary>
    public static async Task LoadAllAsync(ITurnContext turnContext, IReadOnlyList<BotState> states, CancellationToken cancellationToken = default)
    {
        foreach (var group in states.Where(s => turnContext.TurnState.Get<CachedState>(s._cacheKey) is null).GroupBy(s => s._storage))
        {
            var keyed = group.Select(s => (State: s, Key: s.GetStorageKey(turnContext))).ToList();
            var items = await group.Key.ReadAsync([.. keyed.Select(k => k.Key).Distinct(StringComparer.Ordinal)], cancellationToken).ConfigureAwait(false);
            foreach (var (state, key) in keyed)
                turnContext.TurnState.Set(state._cacheKey, items.TryGetValue(key, out var item)
                    ? new CachedState(JsonNode.Parse(item.Json)!.AsObject(), item.Json, item.ETag)
                    : new CachedState([], null, null));
        }
    }

    /// <summary>
    /// Writes the changed documents of several states in one storage call (all or nothing); throws
    /// <see cref="StorageConflictException"/> if another turn wrote one of them first.
    /// </summary>
    public static async Task SaveAllChangesAsync(ITurnContext turnContext, IReadOnlyList<BotState> states, CancellationToken cancellationToken = default)
    {
        foreach (var group in states.GroupBy(s => s._storage))
        {
            var changes = new Dictionary<string, StoreItem>(StringComparer.Ordinal);
            foreach (var state in group)
                if (state.PendingChange(turnContext) is { } change) changes[change.Key] = change.Item;
            if (changes.Count == 0) continue;
            await group.Key.WriteAsync(changes, cancellationToken).ConfigureAwait(false);
            foreach (var state in group) turnContext.TurnState.Remove(state._cacheKey);
        }
    }

    private (string Key, StoreItem Item)? PendingChange(ITurnContext turnContext)
    {
        var cached = turnContext.TurnState.Get<CachedState>(_cacheKey);
        if (cached is null) return null;
        foreach (var (name, value) in cached.Typed)
        {
            if (value is JsonNode node && node.Parent == cached.Document) continue;
            cached.Document[name] = value switch
            {
                null => null,
                JsonNode detached => detached,
                _ => JsonSerializer.SerializeToNode(value, value.GetType(), Json),
            };
        }
        var json = cached.Document.ToJsonString(Json);
        return json == cached.OriginalJson ? null : (GetStorageKey(turnContext), new StoreItem(json, cached.ETag));
    }

    /// <summary>Writes the document if it changed; throws <see cref="StorageConflictException"/> if another turn wrote it first.</summary>
    public async Task SaveChangesAsync(ITurnContext turnContext, CancellationToken cancellationToken = default)
    {
        if (PendingChange(turnContext) is not { } change) return;
        await _storage.WriteAsync(new Dictionary<string, StoreItem> { [change.Key] = change.Item }, cancellationToken).ConfigureAwait(false);
        turnContext.TurnState.Remove(_cacheKey);
    }

    /// <summary>Forgets this turn's changes and deletes the stored document.</summary>
    public async Task DeleteAsync(ITurnContext turnContext, CancellationToken cancellationToken = default)
    {
        turnContext.TurnState.Remove(_cacheKey);
        await _storage.DeleteAsync([GetStorageKey(turnContext)], cancellationToken).ConfigureAwait(false);
    }

    internal async Task<T?> GetAsync<T>(ITurnContext turnContext, string name, Func<T>? defaultValue, CancellationToken ct)
    {
        await LoadAsync(turnContext, false, ct).ConfigureAwait(false);
        var cached = turnContext.TurnState.Get<CachedState>(_cacheKey)!;
        if (cached.Typed.TryGetValue(name, out var typed)) return (T?)typed;
        T? value;
        if (cached.Document[name] is T live and JsonNode)
        {
            // A JSON property (the dialog stack) is used as it is, not copied: detach it until the save.
            cached.Document.Remove(name);
            value = live;
        }
        else
        {
            value = cached.Document[name] is { } node ? node.Deserialize<T>(Json) : default;
        }
        if (value is null && defaultValue is not null) value = defaultValue();
        if (value is not null) cached.Typed[name] = value;
        return value;
    }

    internal async Task SetAsync<T>(ITurnContext turnContext, string name, T value, CancellationToken ct)
    {
        await LoadAsync(turnContext, false, ct).ConfigureAwait(false);
        turnContext.TurnState.Get<CachedState>(_cacheKey)!.Typed[name] = value;
    }

    internal async Task DeletePropertyAsync(ITurnContext turnContext, string name, CancellationToken ct)
    {
        await LoadAsync(turnContext, false, ct).ConfigureAwait(false);
        var cached = turnContext.TurnState.Get<CachedState>(_cacheKey)!;
        cached.Typed.Remove(name);
        cached.Document.Remove(name);
    }

    private sealed record CachedState(JsonObject Document, string? OriginalJson, string? ETag)
    {
        public Dictionary<string, object?> Typed { get; } = new(StringComparer.Ordinal);
    }
}

/// <summary>State of one conversation: key <c>{channelId}/conversations/{conversationId}</c>.</summary>
public sealed class ConversationState(IStorage storage) : BotState(storage, nameof(ConversationState))
{
    protected override string GetStorageKey(ITurnContext turnContext) =>
        $"{turnContext.Activity.ChannelId}/conversations/{turnContext.Activity.Conversation?.Id ?? throw new InvalidOperationException("The activity has no conversation.")}";
}

/// <summary>State of one user across conversations: key <c>{channelId}/users/{userId}</c>.</summary>
public sealed class UserState(IStorage storage) : BotState(storage, nameof(UserState))
{
    protected override string GetStorageKey(ITurnContext turnContext) =>
        $"{turnContext.Activity.ChannelId}/users/{turnContext.Activity.From?.Id ?? throw new InvalidOperationException("The activity has no sender.")}";
}

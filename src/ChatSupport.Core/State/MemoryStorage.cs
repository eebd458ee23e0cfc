namespace ChatSupport.State;

/// <summary>In-process <see cref="IStorage"/>; documents are kept as JSON text, so every turn really serialises.</summary>
public sealed class MemoryStorage : IStorage
{
    private readonly Dictionary<string, StoreItem> _items = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _version;

    public Task<IDictionary<string, StoreItem>> ReadAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
    {
        IDictionary<string, StoreItem> result = new Dictionary<string, StoreItem>(StringComparer.Ordinal);
        lock (_lock)
        {
            foreach (var key in keys)
                if (_items.TryGetValue(key, out var item)) result[key] = item;
        }
        return Task.FromResult(result);
    }

    public Task WriteAsync(IReadOnlyDictionary<string, StoreItem> changes, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            foreach (var (key, change) in changes)
            {
                var exists = _items.TryGetValue(key, out var current);
                var matches = change.ETag switch
                {
                    "*" => true,
                    null => !exists,
                    var etag => exists && current!.ETag == etag,
                };
                if (!matches) throw new StorageConflictException(key);
            }
            foreach (var (key, change) in changes)
                _items[key] = new StoreItem(change.Json, (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return Task.CompletedTask;
    }

    public Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            foreach (var key in keys) _items.Remove(key);
        }
        return Task.CompletedTask;
    }
}

namespace ChatSupport.State;

/// <summary>
/// Key/value storage of state documents with optimistic concurrency, as Bot Framework's <c>IStorage</c>.
/// A write succeeds only when the item's <see cref="StoreItem.ETag"/> matches what is stored:
/// <c>null</c> means "must not exist yet", <c>"*"</c> means "overwrite whatever is there".
/// </summary>
public interface IStorage
{
    Task<IDictionary<string, StoreItem>> ReadAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default);

    /// <summary>Writes all changes or none; throws <see cref="StorageConflictException"/> when an eTag does not match.</summary>
    Task WriteAsync(IReadOnlyDictionary<string, StoreItem> changes, CancellationToken cancellationToken = default);

    Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default);
}

/// <summary>A stored JSON document and the eTag it had when read (or is expected to have when written).</summary>
public sealed record StoreItem(string Json, string? ETag);

/// <summary>Another turn changed the document since it was read.</summary>
/// <remarks>The message names no key: keys hold channel user ids, and exception messages reach logs.</remarks>
public sealed class StorageConflictException(string key)
    : Exception("A state document was changed by another turn since it was read.")
{
    public string Key { get; } = key;
}

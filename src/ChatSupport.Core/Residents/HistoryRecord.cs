namespace ChatSupport.Residents;

/// <summary>
/// One earlier response of a resident, as expressions see it: the local date it was given and its values
/// (answers and computed values by id; choice ids as text, multiple choice as a list, dates as <see cref="DateOnly"/>).
/// </summary>
public sealed record HistoryRecord(string QuestionnaireId, DateOnly Date, DateTimeOffset At, IReadOnlyDictionary<string, object?> Values)
{
    /// <summary>The response this record is of (a store keeps the values with it).</summary>
    public string? ResponseId { get; init; }
}

/// <summary>Reads and appends a resident's earlier responses (in memory here; the database implements it later).</summary>
public interface IResponseHistory
{
    /// <summary>The resident's responses, newest first.</summary>
    Task<IReadOnlyList<HistoryRecord>> ReadAsync(string residentId, CancellationToken cancellationToken = default);

    Task AppendAsync(string residentId, HistoryRecord record, CancellationToken cancellationToken = default);

    /// <summary>Erases the resident's history (the "delete my data" request).</summary>
    Task DeleteAsync(string residentId, CancellationToken cancellationToken = default);
}

public sealed class InMemoryResponseHistory : IResponseHistory
{
    private readonly Dictionary<string, List<HistoryRecord>> _records = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public Task<IReadOnlyList<HistoryRecord>> ReadAsync(string residentId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<HistoryRecord> list = _records.TryGetValue(residentId, out var r)
                ? [.. r.OrderByDescending(x => x.At)]
                : [];
            return Task.FromResult(list);
        }
    }

    public Task AppendAsync(string residentId, HistoryRecord record, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_records.TryGetValue(residentId, out var list)) _records[residentId] = list = [];
            list.Add(record);
        }
        return Task.CompletedTask;
    }

    public Task DeleteAsync(string residentId, CancellationToken cancellationToken = default)
    {
        lock (_lock) _records.Remove(residentId);
        return Task.CompletedTask;
    }
}

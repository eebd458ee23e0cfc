using ChatSupport.Residents;

namespace ChatSupport.Questionnaires.Impact;

/// <summary>
/// A completed response as it is stored: its tenant-local day, its values at completion (answers and computed values
/// by id, typed as <see cref="HistoryRecord.Values"/>) and the resident's earlier responses as the rules saw them then
/// (newest first). A replay reads only the answers of its values; the computed ones are computed again.
/// </summary>
public sealed record StoredResponse(string Id, DateOnly Date, IReadOnlyDictionary<string, object?> Values, IReadOnlyList<HistoryRecord> History);

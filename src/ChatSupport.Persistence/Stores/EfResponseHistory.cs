using ChatSupport.Persistence.Residents;
using ChatSupport.Residents;
using Microsoft.EntityFrameworkCore;

namespace ChatSupport.Persistence.Stores;

/// <summary>
/// The resident's earlier responses from the <c>responses</c> table (their values at completion), newest first,
/// for the expression language's history functions.
/// </summary>
public sealed class EfResponseHistory(ChatSupportDbContext db, ResidentKeys keys) : IResponseHistory
{
    /// <summary>How far back history rules look: enough for any observation period.</summary>
    public const int MaxRecords = 200;

    public async Task<IReadOnlyList<HistoryRecord>> ReadAsync(string residentId, CancellationToken cancellationToken = default)
    {
        var resident = keys.Pseudonym(residentId);
        var rows = await db.Responses.AsNoTracking()
            .Where(r => r.ResidentId == resident && r.ValuesJson != null && r.CompletedAt != null)
            .OrderByDescending(r => r.CompletedAt).Take(MaxRecords)
            .Select(r => new { r.Id, r.QuestionnaireId, r.LocalDate, r.CompletedAt, r.ValuesJson })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => new HistoryRecord(r.QuestionnaireId, r.LocalDate!.Value, r.CompletedAt!.Value, HistoryValues.FromJson(r.ValuesJson!)) { ResponseId = r.Id })];
    }

    /// <summary>Keeps the values with the response (creating its row if the response began and ended in this turn).</summary>
    public async Task AppendAsync(string residentId, HistoryRecord record, CancellationToken cancellationToken = default)
    {
        var row = await ResponseRows.FindOrAddAsync(db, record.ResponseId ?? Guid.NewGuid().ToString("N"), keys.Pseudonym(residentId), record.QuestionnaireId, record.At, cancellationToken).ConfigureAwait(false);
        row.ValuesJson = HistoryValues.ToJson(record.Values);
        row.LocalDate = record.Date;
        row.CompletedAt ??= record.At;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task DeleteAsync(string residentId, CancellationToken cancellationToken = default) =>
        Erasure.EraseAsync(db, residentId, keys.Pseudonym(residentId), cancellationToken);
}

internal static class ResponseRows
{
    public static async Task<ResponseRow> FindOrAddAsync(ChatSupportDbContext db, string id, string resident, string questionnaire, DateTimeOffset at, CancellationToken ct)
    {
        var row = db.Responses.Local.FirstOrDefault(r => r.Id == id)
            ?? await db.Responses.FirstOrDefaultAsync(r => r.Id == id, ct).ConfigureAwait(false);
        if (row is not null) return row;
        row = new ResponseRow { Id = id, ResidentId = resident, QuestionnaireId = questionnaire, QuestionnaireVersion = "", Status = "in_progress", StartedAt = at };
        db.Responses.Add(row);
        return row;
    }
}

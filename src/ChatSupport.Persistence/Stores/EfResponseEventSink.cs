using System.Text.Json;
using ChatSupport.Persistence.Residents;
using ChatSupport.Questionnaires;
using Microsoft.EntityFrameworkCore;

namespace ChatSupport.Persistence.Stores;

/// <summary>
/// Writes a turn's events: consent on the resident, each answer as a typed row from the moment it is given,
/// the response's start and outcome, and the follow-up schedule; stop and resume; and erasure on "delete my data".
/// Residents are stored under their pseudonym; the channel's user id is kept only on the resident row (for sending).
/// </summary>
public sealed class EfResponseEventSink(ChatSupportDbContext db, ResidentKeys keys, TimeProvider clock, TurnBatch? batch = null) : IResponseEventSink
{
    public async Task WriteAsync(IReadOnlyList<ResponseEvent> events, CancellationToken cancellationToken = default)
    {
        var answers = new List<AnswerRow>();
        foreach (var e in events)
        {
            var pseudonym = keys.Pseudonym(e.ResidentId);
            switch (e)
            {
                case ConsentGiven c:
                    var resident = await ResidentAsync(e.ResidentId, pseudonym, cancellationToken).ConfigureAwait(false);
                    (resident.ConsentId, resident.ConsentVersion, resident.ConsentedAt) = (c.ConsentId, c.ConsentVersion, c.At);
                    break;
                case ResponseStarted s:
                    var started = await ResponseRows.FindOrAddAsync(db, s.ResponseId, pseudonym, s.QuestionnaireId, s.At, cancellationToken).ConfigureAwait(false);
                    started.QuestionnaireVersion = s.Version;
                    started.ConversationId ??= s.ConversationId;
                    started.FollowsUpResponseId ??= await db.Responses.AsNoTracking()
                        .Where(r => r.ResidentId == pseudonym && r.CompletedAt != null && r.Id != s.ResponseId)
                        .OrderByDescending(r => r.CompletedAt).Select(r => r.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case AnswerRecorded a:
                    answers.Add(ToRow(a, pseudonym));
                    break;
                case ResponseCompleted { Outcome: var o }:
                    await CompleteAsync(e, pseudonym, o, cancellationToken).ConfigureAwait(false);
                    break;
                case IntentRaised { Intent: ResidentIntent.StopFollowUps or ResidentIntent.ResumeFollowUps } i:
                    var r = await ResidentAsync(e.ResidentId, pseudonym, cancellationToken).ConfigureAwait(false);
                    r.FollowUpsStopped = i.Intent == ResidentIntent.StopFollowUps;
                    if (r.FollowUpsStopped) r.NextFollowUp = null;
                    break;
                case IntentRaised { Intent: ResidentIntent.DeleteData }:
                    await InsertAsync(answers, cancellationToken).ConfigureAwait(false);
                    if (batch is not null) await batch.FlushAsync(cancellationToken).ConfigureAwait(false);
                    await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                    await Erasure.EraseAsync(db, e.ResidentId, pseudonym, cancellationToken).ConfigureAwait(false);
                    db.Audit(clock, "resident", "erasure", details: "every row of one resident erased at their request");
                    break;
            }
        }
        await InsertAsync(answers, cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Answers are most of what a turn writes: on PostgreSQL they go in as one plain INSERT (no change tracking);
    /// on SQLite through the model, which knows how that provider stores decimals, dates and instants.
    /// </summary>
    private async Task InsertAsync(List<AnswerRow> answers, CancellationToken ct)
    {
        if (answers.Count == 0) return;
        if (db.UsesSqlite)
        {
            db.Answers.AddRange(answers);
        }
        else
        {
            // With the turn's batch, sent with its state writes in one round trip before the commit.
            var writes = batch ?? new TurnBatch(db);
            await writes.ExecuteAsync(InsertSql(answers.Count), Parameters(answers), ct).ConfigureAwait(false);
            if (batch is null) await writes.FlushAsync(ct).ConfigureAwait(false);
        }
        answers.Clear();
    }

    private static string InsertSql(int rows) =>
        "INSERT INTO answers (response_id, resident_id, question_id, answered_at, skipped, value_text, value_number, value_bool, value_date, value_list, source_id) VALUES "
        + string.Join(", ", Enumerable.Range(0, rows).Select(n => $"(@r{n}, @s{n}, @q{n}, @a{n}, @k{n}, @t{n}, @n{n}, @b{n}, @d{n}, @l{n}, @o{n})"));

    private static Dictionary<string, object?> Parameters(List<AnswerRow> answers)
    {
        var parameters = new Dictionary<string, object?>(answers.Count * 11);
        for (var n = 0; n < answers.Count; n++)
        {
            var (a, i) = (answers[n], n.ToString(System.Globalization.CultureInfo.InvariantCulture));
            parameters["@r" + i] = a.ResponseId;
            parameters["@s" + i] = a.ResidentId;
            parameters["@q" + i] = a.QuestionId;
            parameters["@a" + i] = a.AnsweredAt.ToUniversalTime();
            parameters["@k" + i] = a.Skipped;
            parameters["@t" + i] = a.ValueText;
            parameters["@n" + i] = a.ValueNumber;
            parameters["@b" + i] = a.ValueBool;
            parameters["@d" + i] = a.ValueDate;
            parameters["@l" + i] = a.ValueList;
            parameters["@o" + i] = a.SourceId;
        }
        return parameters;
    }

    private async Task CompleteAsync(ResponseEvent e, string pseudonym, QuestionnaireOutcome o, CancellationToken ct)
    {
        if (o.Status == ResponseStatus.Declined) return; // nothing of a declined response is kept
        var row = await ResponseRows.FindOrAddAsync(db, o.ResponseId, pseudonym, o.QuestionnaireId, e.At, ct).ConfigureAwait(false);
        row.QuestionnaireVersion = o.Version;
        row.Status = o.Status.ToString().ToLowerInvariant();
        row.Locale = o.Locale;
        row.CompletedAt ??= e.At;
        row.AdviceCategories = string.Join(',', o.AdviceCategories);
        row.Escalations = string.Join(',', o.Escalations);
        if (o.FollowUp is { } followUp)
        {
            var resident = await ResidentAsync(e.ResidentId, pseudonym, ct).ConfigureAwait(false);
            resident.FollowUpQuestionnaire = followUp.Questionnaire;
            resident.NextFollowUp = resident.FollowUpsStopped ? null : followUp.Due;
            resident.FollowUpSource = followUp.Scheduled ? o.QuestionnaireId : null;
            resident.FollowUpRule = followUp.Scheduled ? followUp.Reason : null;
            resident.FollowUpEveryDays = followUp.Scheduled ? followUp.EveryDays : null;
            resident.FollowUpMinute = followUp.At is { } at ? at.Hour * 60 + at.Minute : null;
            resident.FollowUpUntil = followUp.Until;
        }
        // Staff hear of an escalation at once: the alert commits with the answer that raised it.
        foreach (var category in o.Escalations.Distinct())
        {
            var key = $"escalation:{o.ResponseId}:{category}";
            if (db.StaffAlerts.Local.Any(a => a.Key == key) || await db.StaffAlerts.AnyAsync(a => a.Key == key, ct).ConfigureAwait(false)) continue;
            var (channel, user) = ResidentKeys.Split(e.ResidentId);
            db.StaffAlerts.Add(new StaffAlertRow
            {
                Key = key, TenantId = ResidentKeys.TenantOf(channel, user), ResidentId = pseudonym, QuestionnaireId = o.QuestionnaireId, Kind = "escalation",
                Rule = category, ResponseId = o.ResponseId, RaisedAt = e.At, WebhookStatus = "pending",
            });
        }
    }

    private async Task<ResidentRow> ResidentAsync(string residentId, string pseudonym, CancellationToken ct)
    {
        var row = db.Residents.Local.FirstOrDefault(r => r.Id == pseudonym)
            ?? await db.Residents.FirstOrDefaultAsync(r => r.Id == pseudonym, ct).ConfigureAwait(false);
        if (row is not null) return row;
        var (channel, user) = ResidentKeys.Split(residentId);
        row = new ResidentRow { Id = pseudonym, ChannelId = channel, ChannelUserId = user, TenantId = ResidentKeys.TenantOf(channel, user), CreatedAt = clock.GetUtcNow() };
        db.Residents.Add(row);
        return row;
    }

    private static AnswerRow ToRow(AnswerRecorded a, string pseudonym)
    {
        var row = new AnswerRow { ResponseId = a.ResponseId, ResidentId = pseudonym, QuestionId = a.QuestionId, AnsweredAt = a.At, Skipped = a.Skipped, SourceId = a.SourceId is { Length: <= 64 } id ? id : null };
        switch (a.Value?.GetValueKind())
        {
            case JsonValueKind.Number: row.ValueNumber = a.Value.GetValue<decimal>(); break;
            case JsonValueKind.True or JsonValueKind.False: row.ValueBool = a.Value.GetValue<bool>(); break;
            case JsonValueKind.Array: row.ValueList = a.Value.ToJsonString(); break;
            case JsonValueKind.String when a.Type == QuestionType.Date:
                row.ValueDate = DateOnly.ParseExact(a.Value.GetValue<string>(), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                break;
            case JsonValueKind.String:
                row.ValueText = a.Value.GetValue<string>();
                break;
        }
        return row;
    }
}

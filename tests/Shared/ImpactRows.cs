using ChatSupport.Persistence;
using ChatSupport.Persistence.Residents;

namespace ChatSupport.Tests.Impact;

/// <summary>
/// Generated impact responses as database rows: a resident each (of <c>tenant</c>), their earlier responses to the
/// intake questionnaire (the history) and the response itself, completed at midday JST on its day, with values as the
/// host stores them.
/// </summary>
public static class ImpactRows
{
    public static IEnumerable<object> Rows(IEnumerable<ImpactData.Generated> responses, string? tenant)
    {
        var jst = TimeSpan.FromHours(9);
        foreach (var r in responses)
        {
            var day = r.Stored.Date;
            var completedAt = new DateTimeOffset(day.ToDateTime(new TimeOnly(12, 0)), jst).AddSeconds(r.Stored.Id.Aggregate(17u, (h, c) => h * 31 + c) % 18000);
            yield return new ResidentRow { Id = r.ResidentId, ChannelId = "line", TenantId = tenant, Locale = "ja", CreatedAt = completedAt.AddDays(-10) };
            var n = 0;
            foreach (var h in r.Stored.History)
                yield return new ResponseRow
                {
                    Id = $"{r.Stored.Id}-h{n++}", ResidentId = r.ResidentId, QuestionnaireId = h.QuestionnaireId, QuestionnaireVersion = "1", Status = "completed",
                    StartedAt = h.At.AddMinutes(-2), CompletedAt = h.At, LocalDate = h.Date, ValuesJson = HistoryValues.ToJson(h.Values),
                };
            yield return new ResponseRow
            {
                Id = r.Stored.Id, ResidentId = r.ResidentId, QuestionnaireId = ImpactData.QuestionnaireId, QuestionnaireVersion = "1",
                Status = r.Temperature >= 40m ? "emergency" : "completed", StartedAt = completedAt.AddMinutes(-3), CompletedAt = completedAt, LocalDate = day,
                ValuesJson = HistoryValues.ToJson(r.Stored.Values),
            };
        }
    }
}

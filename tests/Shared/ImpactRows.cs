using ChatSupport.Persistence;
using ChatSupport.Persistence.Residents;

namespace ChatSupport.Tests.Impact;

/// <summary>
/// Generated impact responses as database rows: a resident each (of <c>tenant</c>), their earlier responses (the
/// history, stored under <c>historyQuestionnaire</c> so that none of them is replayed itself) and the response itself,
/// completed at midday JST on its day, with values as the host stores them.
/// </summary>
public static class ImpactRows
{
    public static IEnumerable<object> Rows(IEnumerable<ImpactData.Generated> responses, string? tenant) =>
        Rows(responses.Select(r => (r.ResidentId, r.Stored, r.Temperature >= 40m)), ImpactData.QuestionnaireId, ImpactData.IntakeId, tenant);

    public static IEnumerable<object> Rows(IEnumerable<ImpactCovid19.Generated> responses, string? tenant) =>
        Rows(responses.Select(r => (r.ResidentId, r.Stored, r.Emergency)), ImpactCovid19.QuestionnaireId, "covid19-selfcheck", tenant);

    private static IEnumerable<object> Rows(IEnumerable<(string ResidentId, Questionnaires.Impact.StoredResponse Stored, bool Emergency)> responses,
        string questionnaire, string historyQuestionnaire, string? tenant)
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
                    Id = $"{r.Stored.Id}-h{n++}", ResidentId = r.ResidentId, QuestionnaireId = historyQuestionnaire, QuestionnaireVersion = "1", Status = "completed",
                    StartedAt = h.At.AddMinutes(-2), CompletedAt = h.At, LocalDate = h.Date, ValuesJson = HistoryValues.ToJson(h.Values),
                };
            yield return new ResponseRow
            {
                Id = r.Stored.Id, ResidentId = r.ResidentId, QuestionnaireId = questionnaire, QuestionnaireVersion = "1",
                Status = r.Emergency ? "emergency" : "completed", StartedAt = completedAt.AddMinutes(-3), CompletedAt = completedAt, LocalDate = day,
                ValuesJson = HistoryValues.ToJson(r.Stored.Values),
            };
        }
    }
}

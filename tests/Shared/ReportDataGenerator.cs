using System.Globalization;
using System.Text.Json;
using ChatSupport.Persistence;

namespace ChatSupport.Tests.Reports;

/// <summary>What to generate: residents answering the self-check on each of <see cref="Days"/> days, in many areas.</summary>
public sealed record ReportDataSpec
{
    public int Seed { get; init; } = 20200301;
    public string Tenant { get; init; } = "kanagawa";
    public DateOnly FirstDay { get; init; } = new(2026, 11, 1);
    public int Days { get; init; } = 3;
    public int ResidentsPerDay { get; init; } = 200;
    /// <summary>Postal codes residents live at; a few are given to very few residents, so small cells occur.</summary>
    public required IReadOnlyList<string> PostalCodes { get; init; }
    /// <summary>From this day on, responses are to the new version.</summary>
    public DateOnly? NewVersionFrom { get; init; }
    public string Version { get; init; } = "2020-03.1";
    public string NewVersion { get; init; } = "2020-04";
    /// <summary>Share of each day's residents sent a follow-up invitation (a batch per day) and how many answer it.</summary>
    public double FollowUpShare { get; init; } = 0.3;
    /// <summary>Share of residents who check again later the same day (counted by their last response).</summary>
    public double RepeatShare { get; init; }
}

/// <summary>
/// A seeded generator of residents, responses and answers shaped like the COVID-19 self-check (and its follow-ups):
/// the same seed gives the same rows. Rows are produced as a stream, so a benchmark can write millions without holding them.
/// </summary>
public static class ReportDataGenerator
{
    public static readonly string[] Onsets = ["none", "today", "day1", "day2", "day3", "day4plus"];
    public static readonly string[] Behaviours = ["handwashing", "etiquette", "sanitiser", "ventilation", "stay_home_when_ill", "staggered_commute", "telework"];
    public static readonly string[] Conditions = ["heart", "copd", "kidney", "diabetes", "pregnant"];
    public static readonly string[] Sexes = ["male", "female", "other"];
    public static readonly string[] Occupations = ["primary_self_employed", "business_self_employed", "freelance", "manager", "employee", "public_servant", "student", "part_time", "not_working", "other"];

    public sealed record Generated(List<ResidentRow> Residents, List<ResponseRow> Responses, List<AnswerRow> Answers, List<FollowUpBatchRow> Batches, List<FollowUpDeliveryRow> Deliveries);

    public static Generated Generate(ReportDataSpec spec)
    {
        var result = new Generated([], [], [], [], []);
        foreach (var row in Stream(spec))
            switch (row)
            {
                case ResidentRow r: result.Residents.Add(r); break;
                case ResponseRow r: result.Responses.Add(r); break;
                case AnswerRow a: result.Answers.Add(a); break;
                case FollowUpBatchRow b: result.Batches.Add(b); break;
                case FollowUpDeliveryRow d: result.Deliveries.Add(d); break;
            }
        return result;
    }

    /// <summary>Rows in an order that satisfies references: each resident before their responses, each batch before its deliveries.</summary>
    public static IEnumerable<object> Stream(ReportDataSpec spec)
    {
        var random = new Random(spec.Seed);
        var jst = TimeSpan.FromHours(9);
        long batchId = 0;
        var previousDay = new List<string>();
        for (var d = 0; d < spec.Days; d++)
        {
            var day = spec.FirstDay.AddDays(d);
            var version = spec.NewVersionFrom is { } v && day >= v ? spec.NewVersion : spec.Version;
            var today = new List<string>();
            for (var n = 0; n < spec.ResidentsPerDay; n++)
            {
                var id = $"r{d:D3}{n:D6}";
                today.Add(id);
                var start = new DateTimeOffset(day.ToDateTime(new TimeOnly(7, 0)), jst).AddMinutes(random.Next(0, 16 * 60));
                // Skewed: the first postal codes are common, the last few rare (small cells).
                var postal = spec.PostalCodes[(int)(Math.Pow(random.NextDouble(), 1.6) * spec.PostalCodes.Count)];
                var age = random.Next(0, 100) < 3 ? (int?)null : random.Next(5, 95);
                yield return new ResidentRow
                {
                    Id = id, ChannelId = "line", TenantId = spec.Tenant, Locale = "ja", ConsentId = "covid19-selfcheck", ConsentVersion = "1",
                    ConsentedAt = start, CreatedAt = start,
                };
                var fever = Onsets[random.Next(10) < 7 ? 0 : random.Next(1, Onsets.Length)];
                var fatigue = Onsets[random.Next(10) < 8 ? 0 : random.Next(1, Onsets.Length)];
                var behaviours = Behaviours.Where(_ => random.Next(10) < 6).ToList();
                var conditions = Conditions.Where(_ => random.Next(10) < 1).ToList();
                var answers = new List<(string Question, object Value)>
                {
                    ("fever", fever), ("fatigue", fatigue), ("age", (object?)age ?? "skip"), ("sex", Sexes[random.Next(3)]), ("occupation", Occupations[random.Next(Occupations.Length)]),
                    ("conditions", conditions.Count == 0 ? new List<string> { "none" } : conditions), ("postal_code", postal),
                    ("behaviours", behaviours.Count == 0 ? new List<string> { "none" } : behaviours),
                };
                var attempts = random.NextDouble() < spec.RepeatShare ? 2 : 1;
                for (var attempt = 1; attempt <= attempts; attempt++)
                {
                if (attempt == 2) start = start.AddMinutes(30 + random.Next(120));
                var outcome = random.Next(100);
                var completed = outcome < 88;
                var status = completed ? (outcome < 2 ? "emergency" : "completed") : outcome < 94 ? "in_progress" : "abandoned";
                var kept = completed ? answers.Count : random.Next(0, answers.Count);
                var responseId = attempt == 1 ? $"{id}-s" : $"{id}-s{attempt}";
                var symptomatic = fever != "none" || fatigue != "none";
                var days = Math.Max(fever == "none" ? 0 : Array.IndexOf(Onsets, fever), fatigue == "none" ? 0 : Array.IndexOf(Onsets, fatigue));
                var highRisk = age >= 65 || conditions.Count > 0;
                var advice = !symptomatic ? "prevention" : days >= 4 || (highRisk && days >= 2) ? "consult" : highRisk ? "risk" : "watch";
                var completedAt = start.AddMinutes(3 + random.Next(10));
                yield return new ResponseRow
                {
                    Id = responseId, ResidentId = id, QuestionnaireId = "covid19-selfcheck", QuestionnaireVersion = version, Status = status, Locale = "ja",
                    StartedAt = start, CompletedAt = completed || status == "abandoned" ? completedAt : null,
                    AdviceCategories = completed ? advice + (conditions.Contains("pregnant") ? ",pregnancy" : "") : null,
                    Escalations = completed ? (status == "emergency" ? "emergency" : "") : null,
                    LocalDate = completed ? day : null,
                    ValuesJson = completed ? JsonSerializer.Serialize(new Dictionary<string, object?> { ["symptomatic"] = symptomatic, ["age"] = age }) : null,
                };
                for (var i = 0; i < kept; i++)
                {
                    var (question, value) = answers[i];
                    var row = new AnswerRow { ResponseId = responseId, ResidentId = id, QuestionId = question, AnsweredAt = start.AddSeconds(20 * (i + 1)) };
                    switch (value)
                    {
                        case "skip": row.Skipped = true; break;
                        case int number: row.ValueNumber = number; break;
                        case List<string> list: row.ValueList = JsonSerializer.Serialize(list); break;
                        case string text: row.ValueText = text; break;
                    }
                    yield return row;
                }
            }

                }
            // A share of yesterday's residents are invited today; most answer, some within minutes, some hours later.
            if (previousDay.Count > 0 && spec.FollowUpShare > 0)
            {
                var invited = previousDay.Where(_ => random.NextDouble() < spec.FollowUpShare).ToList();
                var sentAt = new DateTimeOffset(day.ToDateTime(new TimeOnly(10, 0)), jst);
                foreach (var chunk in invited.Chunk(500))
                {
                    batchId++;
                    yield return new FollowUpBatchRow
                    {
                        Id = batchId, TenantId = spec.Tenant, LocalDate = day, Kind = "prompt", Source = "covid19-selfcheck", Rule = "symptomatic-daily",
                        Questionnaire = "covid19-followup", Locale = "ja", RetryKey = Guid.Parse($"00000000-0000-0000-0000-{batchId:D12}").ToString(),
                        Recipients = chunk.Length, Status = "sent", NotBefore = sentAt, CreatedAt = sentAt, SentAt = sentAt,
                    };
                    foreach (var resident in chunk)
                    {
                        yield return new FollowUpDeliveryRow { ResidentId = resident, LocalDate = day, Kind = "prompt", BatchId = batchId, Status = "planned" };
                        if (random.Next(10) >= 7) continue;
                        var answeredAt = sentAt.AddMinutes(random.Next(1, 600));
                        var feverNow = random.Next(10) < 2;
                        yield return new ResponseRow
                        {
                            Id = $"{resident}-f{day:MMdd}", ResidentId = resident, QuestionnaireId = "covid19-followup", QuestionnaireVersion = "2020-03.1",
                            Status = "completed", Locale = "ja", StartedAt = answeredAt.AddMinutes(-2), CompletedAt = answeredAt, LocalDate = day,
                            AdviceCategories = feverNow ? "watch" : "recovering", Escalations = "",
                            ValuesJson = JsonSerializer.Serialize(new Dictionary<string, object?> { ["symptomatic"] = feverNow }),
                        };
                        yield return new AnswerRow { ResponseId = $"{resident}-f{day:MMdd}", ResidentId = resident, QuestionId = "fever_now", AnsweredAt = answeredAt.AddSeconds(-30), ValueBool = feverNow };
                    }
                }
            }
            previousDay = today;
        }
    }

    /// <summary>Writes generated rows through EF (both providers), in chunks.</summary>
    public static async Task WriteAsync(ChatSupportDbContext db, IEnumerable<object> rows, int chunk = 5000)
    {
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var pending = 0;
        foreach (var row in rows)
        {
            db.Add(row);
            if (++pending < chunk) continue;
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
            pending = 0;
        }
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
    }

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

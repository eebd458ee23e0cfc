using ChatSupport.Questionnaires.Impact;
using ChatSupport.Residents;

namespace ChatSupport.Tests.Impact;

/// <summary>
/// The shipped COVID-19 follow-up and a candidate of it for the impact report's tests and benchmark: the candidate
/// lowers the SpO2 emergency threshold (≤ 93 → ≤ 94) and the consult threshold (4 → 3 symptom days), removes the
/// "worse → consult" advice rule, makes SpO2 required and follows symptomatic residents up every 2 days instead of
/// daily; and seeded responses as the shipped version stored them.
/// </summary>
public static class ImpactCovid19
{
    public const string QuestionnaireId = "covid19-followup";

    /// <summary>The candidate: the shipped text with the changes above (each must still be found in it).</summary>
    public static string Candidate(string shipped)
    {
        var yaml = shipped;
        string Change(string from, string to)
        {
            if (!yaml.Contains(from, StringComparison.Ordinal)) throw new InvalidOperationException("The shipped follow-up no longer says: " + from);
            return yaml = yaml.Replace(from, to, StringComparison.Ordinal);
        }
        Change("when: \"spo2 <= 93\"", "when: \"spo2 <= 94\"");
        Change("value: \"symptom_days >= 4 or", "value: \"symptom_days >= 3 or");
        // The second consult rule (worse), message and all, up to the watch rule.
        var worse = yaml.IndexOf("      - category: consult\n        when: worse\n", StringComparison.Ordinal);
        if (worse < 0) throw new InvalidOperationException("The shipped follow-up has no worse → consult rule.");
        yaml = yaml.Remove(worse, yaml.IndexOf("      - category: watch\n", worse, StringComparison.Ordinal) - worse);
        Change("    max: 100\n    unit: {ja: \"%\", en: \"%\"}\n    required: false\n", "    max: 100\n    unit: {ja: \"%\", en: \"%\"}\n");
        Change("      when: symptomatic or worse\n      every_days: 1", "      when: symptomatic or worse\n      every_days: 2");
        return yaml;
    }

    public sealed record Generated(string ResidentId, StoredResponse Stored, bool Emergency, bool Fever, bool Fatigue, bool? Breathless, decimal? Spo2, bool Spo2Skipped, string? Change);

    /// <summary>Responses as the shipped version stored them, after 0–3 earlier responses with values a self-check or follow-up keeps.</summary>
    public static IEnumerable<Generated> Generate(int count, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var today = new DateOnly(2026, 11, 1).AddDays(random.Next(30));
            var history = new List<HistoryRecord>();
            for (var h = random.Next(4); h > 0; h--)
            {
                var date = today.AddDays(-1 - history.Count - random.Next(3));
                var values = new Dictionary<string, object?>();
                if (random.Next(4) > 0) values["first_report"] = date.AddDays(-random.Next(20));
                if (random.Next(3) > 0) values["high_risk"] = random.Next(3) == 0;
                if (random.Next(3) > 0) values["postal_code"] = "22000" + random.Next(10, 99);
                if (random.Next(3) > 0) values["fever_onset"] = random.Next(2) == 0 ? null : date.AddDays(-random.Next(5));
                if (random.Next(3) > 0) values["fatigue_onset"] = random.Next(2) == 0 ? null : date.AddDays(-random.Next(5));
                if (random.Next(3) > 0) values["symptomatic"] = random.Next(2) == 0;
                if (random.Next(3) > 0) values["consult"] = random.Next(4) == 0;
                history.Add(new HistoryRecord(random.Next(3) == 0 ? "covid19-selfcheck" : "covid19-followup", date, new DateTimeOffset(date.ToDateTime(new TimeOnly(10, 0)), TimeSpan.FromHours(9)), values));
            }
            var prev = new Previous(history);
            var stored = new Dictionary<string, object?>();
            var fever = random.Next(10) < 3;
            var fatigue = random.Next(4) == 0;
            stored["fever_now"] = fever;
            stored["fatigue_now"] = fatigue;
            bool? breathless = null;
            decimal? spo2 = null;
            var skipped = false;
            string? change = null;
            var emergency = false;
            if (fatigue)
            {
                breathless = random.Next(7) == 0;
                stored["breathless_at_rest"] = breathless;
                emergency = breathless == true;
            }
            if (!emergency && (fever || fatigue))
            {
                skipped = random.Next(10) < 4;
                spo2 = skipped ? null : random.Next(88, 100);
                stored["spo2"] = spo2;
                emergency = spo2 <= 93;
            }
            if (!emergency && prev["first_report"] is not null)
                stored["change"] = change = new[] { "better", "same", "worse" }[random.Next(3)];
            if (!emergency && prev["postal_code"] is null) stored["postal_code"] = "2310023";
            yield return new Generated($"c{seed}-{i}", new StoredResponse($"f{seed}-{i}", today, stored, history), emergency, fever, fatigue, breathless, spo2, skipped, change);
        }
    }

    /// <summary>previous(x): the value in the latest earlier response that has x.</summary>
    public sealed class Previous(List<HistoryRecord> history)
    {
        public object? this[string name] => history.FirstOrDefault(r => r.Values.ContainsKey(name))?.Values[name];
    }

}

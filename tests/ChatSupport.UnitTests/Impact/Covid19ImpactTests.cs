using ChatSupport.Questionnaires;
using ChatSupport.Questionnaires.Impact;
using ChatSupport.Residents;

namespace ChatSupport.UnitTests.Impact;

/// <summary>
/// The impact replay of the shipped COVID-19 follow-up (history rules, emergencies after each answer, escalations, an
/// observation period) against an independent computation. The candidate lowers the SpO2 emergency threshold
/// (≤ 93 → ≤ 94) and the consult threshold (4 → 3 symptom days), removes the "worse → consult" advice rule, makes SpO2
/// required and follows symptomatic residents up every 2 days instead of daily. Expected figures are worked out below
/// from the rules as the file states them, in plain code.
/// </summary>
public sealed class Covid19ImpactTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string Shipped => File.ReadAllText(RepoPaths.Of("dialogs", "covid19-followup.yaml"));

    private static string Candidate()
    {
        var yaml = Shipped;
        string Change(string from, string to)
        {
            Assert.Contains(from, yaml, StringComparison.Ordinal); // the shipped file still says this
            return yaml = yaml.Replace(from, to, StringComparison.Ordinal);
        }
        Change("when: \"spo2 <= 93\"", "when: \"spo2 <= 94\"");
        Change("value: \"symptom_days >= 4 or", "value: \"symptom_days >= 3 or");
        // The second consult rule (worse), message and all, up to the watch rule.
        var worse = yaml.IndexOf("      - category: consult\n        when: worse\n", StringComparison.Ordinal);
        Assert.True(worse > 0);
        yaml = yaml.Remove(worse, yaml.IndexOf("      - category: watch\n", worse, StringComparison.Ordinal) - worse);
        Change("    max: 100\n    unit: {ja: \"%\", en: \"%\"}\n    required: false\n", "    max: 100\n    unit: {ja: \"%\", en: \"%\"}\n");
        Change("      when: symptomatic or worse\n      every_days: 1", "      when: symptomatic or worse\n      every_days: 2");
        return yaml;
    }

    private QuestionnaireDefinition Load(string yaml, string name)
    {
        var folder = Path.Combine(_folder.Path, name);
        Directory.CreateDirectory(Path.Combine(folder, "areas"));
        File.Copy(RepoPaths.Of("dialogs", "areas", "covid19-consultation.csv"), Path.Combine(folder, "areas", "covid19-consultation.csv"));
        File.WriteAllText(Path.Combine(folder, "covid19-followup.yaml"), yaml);
        return QuestionnaireCatalog.Load(folder).Get("covid19-followup");
    }

    private sealed record Generated(StoredResponse Stored, bool Fever, bool Fatigue, bool? Breathless, decimal? Spo2, bool Spo2Skipped, string? Change);

    /// <summary>Responses as the shipped version stored them, after 0–3 earlier responses with values a self-check or follow-up keeps.</summary>
    private static List<Generated> Generate(int count, int seed)
    {
        var random = new Random(seed);
        var list = new List<Generated>();
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
            list.Add(new Generated(new StoredResponse($"f{i}", today, stored, history), fever, fatigue, breathless, spo2, skipped, change));
        }
        return list;
    }

    /// <summary>previous(x): the value in the latest earlier response that has x.</summary>
    private sealed class Previous(List<HistoryRecord> history)
    {
        public object? this[string name] => history.FirstOrDefault(r => r.Values.ContainsKey(name))?.Values[name];
    }

    private sealed record Expected(string? Emergency, string? Advice, HashSet<string> Escalations, (string, DateOnly)? FollowUp, List<string> Asked, List<string> Unanswered);

    private static Expected Work(Generated r, bool candidate)
    {
        var today = r.Stored.Date;
        var prev = new Previous([.. r.Stored.History]);
        var asked = new List<string> { "fever_now", "fatigue_now" };
        var unanswered = new List<string>();
        string? emergency = null;
        decimal? spo2 = null;
        string? change = null;
        if (r.Fatigue)
        {
            asked.Add("breathless_at_rest");
            if (r.Breathless == true) emergency = "emergency-breathless";
        }
        if (emergency is null && (r.Fever || r.Fatigue))
        {
            asked.Add("spo2");
            if (r.Spo2Skipped && candidate) unanswered.Add("spo2");
            spo2 = r.Spo2;
            if (spo2 <= (candidate ? 94 : 93)) emergency = "emergency-spo2";
        }
        var firstReportBefore = prev["first_report"] as DateOnly?;
        if (emergency is null && firstReportBefore is not null)
        {
            asked.Add("change");
            change = r.Change;
        }
        if (emergency is null && prev["postal_code"] is null) asked.Add("postal_code");

        var firstReport = firstReportBefore ?? today;
        var symptomatic = r.Fever || r.Fatigue;
        int Days(string onset, bool now) => !now ? 0 : today.DayNumber - ((prev[onset] as DateOnly?) ?? today).DayNumber + 1;
        var symptomDays = Math.Max(Days("fever_onset", r.Fever), Days("fatigue_onset", r.Fatigue));
        var highRisk = prev["high_risk"] as bool? ?? false;
        var consult = symptomDays >= (candidate ? 3 : 4) || (highRisk && symptomDays >= 2);
        var worse = change == "worse";
        var recovered = !symptomatic && !worse && (prev["symptomatic"] as bool? ?? false);

        string? advice = null;
        if (emergency is null) advice = consult ? "consult" : worse && !candidate ? "consult" : symptomatic ? "watch" : "well";
        var escalations = new HashSet<string>();
        if (worse) escalations.Add("worsening");
        if (consult && !(prev["consult"] as bool? ?? false)) escalations.Add("newly-consult");
        (string, DateOnly)? followUp = null;
        if (!(recovered || (today.DayNumber - firstReport.DayNumber >= 14 && !symptomatic)))
        {
            var due = today.AddDays(symptomatic || worse ? (candidate ? 2 : 1) : 7);
            if (due <= firstReport.AddDays(28)) followUp = ("covid19-followup", due);
        }
        return new Expected(emergency, advice, escalations, followUp, asked, unanswered);
    }

    [Fact]
    public void Replay_OfTheFollowUp_GivesEveryFigureOfTheIndependentComputation()
    {
        var (shipped, candidate) = (Load(Shipped, "shipped"), Load(Candidate(), "candidate"));
        var responses = Generate(4000, 2020);
        var tally = new ImpactTally(shipped, candidate);
        foreach (var r in responses) tally.Add(r.Stored);
        var pairs = responses.Select(r => (Before: Work(r, false), After: Work(r, true))).ToList();

        Assert.Equal(4000, tally.Responses);
        foreach (var category in new[] { "consult", "watch", "well" })
            Assert.Equal([pairs.Count(p => p.Before.Advice == category), pairs.Count(p => p.After.Advice == category)], tally.Advice.GetValueOrDefault(("main", category)) ?? [0, 0]);
        foreach (var category in new[] { "emergency-spo2", "emergency-breathless" })
            Assert.Equal([pairs.Count(p => p.Before.Emergency == category), pairs.Count(p => p.After.Emergency == category)], tally.Emergencies.GetValueOrDefault(category) ?? [0, 0]);
        foreach (var category in new[] { "worsening", "newly-consult" })
            Assert.Equal([pairs.Count(p => p.Before.Escalations.Contains(category)), pairs.Count(p => p.After.Escalations.Contains(category))], tally.Escalations.GetValueOrDefault(category) ?? [0, 0]);
        static HashSet<string> AdviceOf(Expected e) => [.. new[] { e.Emergency, e.Advice }.OfType<string>()];
        static HashSet<string> EscalationsOf(Expected e) => [.. e.Escalations, .. new[] { e.Emergency }.OfType<string>()];
        Assert.Equal(pairs.Count(p => !AdviceOf(p.Before).SetEquals(AdviceOf(p.After))), tally.DifferentAdvice);
        Assert.Equal(pairs.Count(p => p.Before.Emergency != p.After.Emergency), tally.DifferentEmergency);
        Assert.Equal(pairs.Count(p => !EscalationsOf(p.Before).SetEquals(EscalationsOf(p.After))), tally.DifferentEscalation);
        Assert.Equal(pairs.Count(p => p.Before.FollowUp != p.After.FollowUp), tally.DifferentFollowUp);
        foreach (var question in shipped.Questions.Select(q => q.Id))
        {
            Assert.Equal(pairs.Count(p => p.Before.Asked.Contains(question) && !p.After.Asked.Contains(question)), tally.NoLongerAsked.GetValueOrDefault(question));
            Assert.Equal(pairs.Count(p => p.After.Unanswered.Contains(question) && !p.Before.Unanswered.Contains(question)), tally.NewlyRequired.GetValueOrDefault(question));
        }
        Assert.Equal(pairs.Count(p => p.After.Unanswered.Except(p.Before.Unanswered).Any()), tally.WithNewlyRequired);
        Assert.All(new[] { tally.DifferentAdvice, tally.DifferentEmergency, tally.DifferentEscalation, tally.DifferentFollowUp, tally.WithNewlyRequired, tally.NoLongerAsked.GetValueOrDefault("change") },
            n => Assert.InRange(n, 10, 3990));
    }
}

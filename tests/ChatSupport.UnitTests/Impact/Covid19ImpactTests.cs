using ChatSupport.Questionnaires;
using ChatSupport.Questionnaires.Impact;
using ChatSupport.Residents;
using ChatSupport.Tests.Impact;
using static ChatSupport.Tests.Impact.ImpactCovid19;

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

    private QuestionnaireDefinition Load(string yaml, string name)
    {
        var folder = Path.Combine(_folder.Path, name);
        Directory.CreateDirectory(Path.Combine(folder, "areas"));
        File.Copy(RepoPaths.Of("dialogs", "areas", "covid19-consultation.csv"), Path.Combine(folder, "areas", "covid19-consultation.csv"));
        Directory.CreateDirectory(Path.Combine(folder, "consent"));
        foreach (var consent in Directory.EnumerateFiles(RepoPaths.Of("dialogs", "consent"), "*.yaml"))
            File.Copy(consent, Path.Combine(folder, "consent", Path.GetFileName(consent)));
        File.WriteAllText(Path.Combine(folder, "covid19-followup.yaml"), yaml);
        return QuestionnaireCatalog.Load(folder).Get("covid19-followup");
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
        var (shipped, candidate) = (Load(Shipped, "shipped"), Load(Candidate(Shipped), "candidate"));
        var responses = Generate(4000, 2020).ToList();
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

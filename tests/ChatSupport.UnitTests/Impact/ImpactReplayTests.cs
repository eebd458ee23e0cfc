using ChatSupport.Questionnaires;
using ChatSupport.Questionnaires.Impact;
using ChatSupport.Residents;
using ChatSupport.Tests.Impact;
using static ChatSupport.Tests.Impact.ImpactData;

namespace ChatSupport.UnitTests.Impact;

/// <summary>
/// The impact replay against an independent computation: thousands of seeded responses to a small questionnaire, as
/// version 1 would have stored them, replayed under version 1 and a version 2 with a lower fever cutoff, a lower
/// emergency threshold, an advice rule removed, an optional question made required and a question asked more often.
/// The expected figures are worked out below with plain code from the rules as written, not through the engine.
/// </summary>
public sealed class ImpactReplayTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private QuestionnaireDefinition Load(string yaml, string version)
    {
        var folder = System.IO.Path.Combine(_folder.Path, version);
        Directory.CreateDirectory(folder);
        File.WriteAllText(System.IO.Path.Combine(folder, "impact-check.yaml"), yaml);
        return QuestionnaireCatalog.Load(folder).Get("impact-check");
    }

    /// <summary>One version's outcome, worked out by hand from the rules of V1 or V2.</summary>
    private sealed record Expected(string? Emergency, HashSet<string> Advice, HashSet<string> Escalations, (string, DateOnly) FollowUp, List<string> Asked, List<string> Unanswered)
    {
        public IEnumerable<string> AdviceWithEmergency => Emergency is null ? Advice : Advice.Append(Emergency);
        public IEnumerable<string> EscalationsWithEmergency => Emergency is null ? Escalations : Escalations.Append(Emergency);
    }

    private static Expected Work(Generated r, bool v2)
    {
        var t = r.Temperature;
        var fever = t >= (v2 ? 38.0m : 37.5m);
        var emergency = t >= (v2 ? 39.5m : 40m) ? "emergency-high-fever" : null;
        var asked = new List<string> { "temperature" };
        var unanswered = new List<string>();
        bool? breath = null;
        int? age = null;
        if (emergency is null)
        {
            asked.Add("cough");
            if (r.Cough || (v2 && fever))
            {
                asked.Add("breath");
                if (r.Breath is { } b) breath = b;
                else unanswered.Add("breath");
            }
            asked.Add("age");
            age = r.Age;
            if (v2 && age is null) unanswered.Add("age");
        }
        var advice = new HashSet<string>();
        if (emergency is null)
        {
            advice.Add(fever && age >= 65 ? "consult" : fever || r.Cough ? "watch" : "well");
            if (!v2 && age >= 65) advice.Add("elderly");
            if (breath == true) advice.Add("breath-info");
        }
        var escalations = new HashSet<string>();
        if (t >= 39m) escalations.Add("high-fever");
        if (fever && r.FeverBefore == true) escalations.Add("fever-again");
        var followUp = ("impact-check", r.Stored.Date.AddDays(fever ? 1 : 7));
        return new Expected(emergency, advice, escalations, followUp, asked, unanswered);
    }

    [Fact]
    public void Replay_GivesEveryFigureOfTheIndependentComputation_OnThreeThousandResponses()
    {
        var (v1, v2) = (Load(V1, "v1"), Load(V2, "v2"));
        var responses = Generate(3000, 14).ToList();
        var tally = new ImpactTally(v1, v2);
        foreach (var r in responses) tally.Add(r.Stored);

        var pairs = responses.Select(r => (Before: Work(r, v2: false), After: Work(r, v2: true))).ToList();
        Assert.Equal(3000, tally.Responses);
        foreach (var (group, category) in new[] { ("main", "consult"), ("main", "watch"), ("main", "well"), ("info", "elderly"), ("info", "breath-info") })
        {
            var counts = tally.Advice.GetValueOrDefault((group, category)) ?? [0, 0];
            Assert.Equal(pairs.Count(p => p.Before.Advice.Contains(category)), counts[0]);
            Assert.Equal(pairs.Count(p => p.After.Advice.Contains(category)), counts[1]);
        }
        Assert.Equal([pairs.Count(p => p.Before.Emergency is not null), pairs.Count(p => p.After.Emergency is not null)], tally.Emergencies["emergency-high-fever"]);
        foreach (var category in new[] { "high-fever", "fever-again" })
            Assert.Equal([pairs.Count(p => p.Before.Escalations.Contains(category)), pairs.Count(p => p.After.Escalations.Contains(category))], tally.Escalations[category]);
        Assert.Equal(pairs.Count(p => !p.Before.AdviceWithEmergency.ToHashSet().SetEquals(p.After.AdviceWithEmergency)), tally.DifferentAdvice);
        Assert.Equal(pairs.Count(p => p.Before.Emergency != p.After.Emergency), tally.DifferentEmergency);
        Assert.Equal(pairs.Count(p => !p.Before.EscalationsWithEmergency.ToHashSet().SetEquals(p.After.EscalationsWithEmergency)), tally.DifferentEscalation);
        Assert.Equal(pairs.Count(p => p.Before.FollowUp != p.After.FollowUp), tally.DifferentFollowUp);
        foreach (var question in new[] { "temperature", "cough", "breath", "age" })
        {
            Assert.Equal(pairs.Count(p => p.Before.Asked.Contains(question) && !p.After.Asked.Contains(question)), tally.NoLongerAsked.GetValueOrDefault(question));
            Assert.Equal(pairs.Count(p => p.After.Unanswered.Contains(question) && !p.Before.Unanswered.Contains(question)), tally.NewlyRequired.GetValueOrDefault(question));
        }
        Assert.Equal(pairs.Count(p => p.After.Unanswered.Except(p.Before.Unanswered).Any()), tally.WithNewlyRequired);

        // Every kind of change happens in this data (a comparison of zeros would prove nothing).
        Assert.All(new[] { tally.DifferentAdvice, tally.DifferentEmergency, tally.DifferentEscalation, tally.DifferentFollowUp, tally.WithNewlyRequired, tally.NoLongerAsked["age"], tally.NewlyRequired["breath"] },
            n => Assert.InRange(n, 10, 2999));
    }

    [Fact]
    public void Replay_OfTheSameVersion_ChangesNothing_AndGivesTheStoredOutcome()
    {
        var v1 = Load(V1, "v1");
        var tally = new ImpactTally(v1, v1);
        var responses = Generate(500, 7).ToList();
        foreach (var r in responses) tally.Add(r.Stored);
        Assert.Equal((0L, 0L, 0L, 0L, 0L), (tally.DifferentAdvice, tally.DifferentEmergency, tally.DifferentEscalation, tally.DifferentFollowUp, tally.WithNewlyRequired));
        Assert.Empty(tally.NoLongerAsked);
        var first = ResponseReplay.Replay(v1, responses.First(r => r.Temperature >= 40m).Stored);
        Assert.Equal(ResponseStatus.Emergency, first.Status);
        Assert.Equal(["emergency-high-fever"], first.Decisions.AdviceCategories);
        Assert.Equal(["temperature"], first.Asked);
    }

    [Fact]
    public void StoredAnswer_ThatNoLongerFits_IsNewlyRequired()
    {
        var v1 = Load(V1, "v1");
        var narrower = Load(V1.Replace("min: 34, max: 42", "min: 34, max: 39", StringComparison.Ordinal), "v3");
        var stored = new StoredResponse("x", new DateOnly(2026, 11, 3), new Dictionary<string, object?> { ["temperature"] = 39.6m, ["cough"] = false, ["age"] = 30m }, []);
        var tally = new ImpactTally(v1, narrower);
        tally.Add(stored);
        Assert.Equal(1, tally.NewlyRequired["temperature"]);
        Assert.Equal([1, 0], tally.Escalations["high-fever"]); // unanswered, the temperature's rules see nothing
    }

    [Theory]
    [InlineData(60, 3)]
    [InlineData(150, 5)]
    [InlineData(30, 9)]
    public void Figures_HideSmallCells_AndEveryCountThatWouldRevealOne(int responses, int seed)
    {
        var (v1, v2) = (Load(V1, "v1"), Load(V2, "v2"));
        var tally = new ImpactTally(v1, v2);
        foreach (var r in Generate(responses, seed)) tally.Add(r.Stored);
        const int K = 10;
        var figures = ImpactFigures.From(tally, K);

        // Every count with its true value, and whether it was published.
        var cells = new List<(string Name, long Value, ImpactCount Shown)> { ("responses", tally.Responses, figures.Responses) };
        foreach (var a in figures.Advice)
        {
            var counts = tally.Advice.GetValueOrDefault((a.Group!, a.Category)) ?? [0, 0];
            cells.Add(($"advice {a.Group} {a.Category} before", counts[0], a.Before));
            cells.Add(($"advice {a.Group} {a.Category} after", counts[1], a.After));
        }
        foreach (var (list, source) in new[] { (figures.Emergencies, tally.Emergencies), (figures.Escalations, tally.Escalations) })
            foreach (var e in list)
            {
                var counts = source.GetValueOrDefault(e.Category) ?? [0, 0];
                cells.Add(($"{e.Category} before", counts[0], e.Before));
                cells.Add(($"{e.Category} after", counts[1], e.After));
            }
        cells.Add(("changed advice", tally.DifferentAdvice, figures.Changed.Advice));
        cells.Add(("changed emergency", tally.DifferentEmergency, figures.Changed.Emergency));
        cells.Add(("changed escalation", tally.DifferentEscalation, figures.Changed.Escalation));
        cells.Add(("changed follow-up", tally.DifferentFollowUp, figures.Changed.FollowUp));
        cells.Add(("newly required", tally.WithNewlyRequired, figures.Changed.NewlyRequired));
        foreach (var q in figures.Questions)
        {
            cells.Add(($"no longer asked {q.Question}", tally.NoLongerAsked.GetValueOrDefault(q.Question), q.NoLongerAsked));
            cells.Add(($"newly required {q.Question}", tally.NewlyRequired.GetValueOrDefault(q.Question), q.NewlyRequired));
        }

        foreach (var (name, value, shown) in cells)
        {
            // A suppressed count is never a number; a shown one is the true count.
            Assert.True(shown.Suppressed ? shown.Count is null : shown.Count == value, name);
            // Small counts are hidden, and so is every part of the responses whose rest is small.
            if (value is > 0 and < K) Assert.True(shown.Suppressed, $"{name} = {value} is shown");
            if (name != "responses" && tally.Responses - value is > 0 and < K) Assert.True(shown.Suppressed || figures.Responses.Suppressed, $"{name}: the rest {tally.Responses - value} can be worked out");
        }
        // Each side's main advice (a catch-all: every completed response gets one) and its emergencies add up to the
        // responses: if one of them is hidden, another is too, so that none can be worked out by subtraction.
        foreach (var side in new[] { 0, 1 })
        {
            var terms = figures.Advice.Where(a => a.Group == "main").Select(a => side == 0 ? a.Before : a.After)
                .Concat(figures.Emergencies.Select(e => side == 0 ? e.Before : e.After)).Append(figures.Responses).ToList();
            Assert.NotEqual(1, terms.Count(t => t.Suppressed));
            // (They do add up: the relation is real.)
            Assert.Equal(tally.Responses, tally.Advice.Where(a => a.Key.Group == "main").Sum(a => a.Value[side]) + tally.Emergencies.Values.Sum(e => e[side]));
        }
        Assert.Contains(cells, c => c.Shown.Suppressed);
        // The threshold of 1 hides nothing.
        var open = ImpactFigures.From(tally, 1);
        Assert.False(open.Responses.Suppressed || open.Advice.Any(a => a.Before.Suppressed || a.After.Suppressed) || open.Questions.Any(q => q.NoLongerAsked.Suppressed || q.NewlyRequired.Suppressed));
    }

    [Fact]
    public void Figures_HideAnAdviceCount_WhenTheAdviceGivenAndTheResponsesWouldRevealAHiddenEmergencyCount()
    {
        var v1 = Load(V1, "v1");
        var tally = new ImpactTally(v1, v1);
        var day = new DateOnly(2026, 11, 3);
        void Add(int count, decimal temperature, bool cough, decimal? age)
        {
            for (var i = 0; i < count; i++)
                tally.Add(new StoredResponse("x", day, new Dictionary<string, object?> { ["temperature"] = temperature, ["cough"] = cough, ["breath"] = false, ["age"] = age }, []));
        }
        Add(100, 36.2m, false, 30m); // well
        Add(20, 36.4m, true, 40m);   // watch
        Add(15, 38.0m, false, 70m);  // consult (and elderly)
        Add(3, 40.5m, false, 30m);   // emergency: a small cell
        var figures = ImpactFigures.From(tally, 10);

        Assert.True(figures.Emergencies.Single().Before.Suppressed);
        // Otherwise 138 responses − (100 + 20 + 15) given main advice would be the 3 emergencies.
        Assert.Contains(figures.Advice, a => a.Group == "main" && a.Before.Suppressed);
        Assert.Equal(138, figures.Responses.Count);
    }
}

using System.Text.Json.Nodes;
using ChatSupport.Advice;
using ChatSupport.Questionnaires;

namespace ChatSupport.UnitTests.Questionnaires;

/// <summary>
/// The whole advice table of dialogs/covid19-selfcheck.yaml, checked against the rule as Kanagawa stated it:
/// consult when fever or fatigue/breathlessness has lasted 4 days or more, or 2 days or more for people aged 65+,
/// with a condition, or pregnant (the day symptoms began counts as day 1).
/// </summary>
public sealed class SelfCheckAdviceTableTests
{
    private static readonly QuestionnaireDefinition SelfCheck = Shipped.Catalog.Get("covid19-selfcheck");
    private static readonly DateOnly Today = new(2026, 11, 20);
    private static readonly string[] Onsets = ["none", "today", "day1", "day2", "day3", "day4plus"];

    private static IReadOnlyList<string> Advise(string fever, string fatigue, int age, params string[] conditions)
    {
        var answers = new JsonObject
        {
            ["fever"] = fever,
            ["fatigue"] = fatigue,
            ["age"] = age,
            ["sex"] = "female",
            ["occupation"] = "employee",
            ["conditions"] = new JsonArray([.. conditions.Select(c => (JsonNode)c!)]),
            ["postal_code"] = "2200012",
            ["behaviours"] = new JsonArray("handwashing"),
        };
        var scope = new ResponseScope(SelfCheck, answers, Today, []);
        return [.. AdviceEvaluator.Evaluate(SelfCheck.Advice, scope).Select(a => a.Category)];
    }

    /// <summary>The rule written out independently of the YAML.</summary>
    private static IReadOnlyList<string> Expected(string fever, string fatigue, int age, string[] conditions)
    {
        static int Days(string onset) => Array.IndexOf(Onsets, onset); // none 0, today 1 … day4plus 5
        var days = Math.Max(Days(fever), Days(fatigue));
        var pregnant = conditions.Contains("pregnant");
        var highRisk = age >= 65 || conditions.Any(c => c != "none");
        var main = days >= 4 || (highRisk && days >= 2) ? "consult"
            : days > 0 && highRisk ? "risk"
            : days > 0 ? "watch"
            : "prevention";
        return pregnant ? [main, "pregnancy"] : [main];
    }

    public static TheoryData<string, string, int, string> Table()
    {
        var data = new TheoryData<string, string, int, string>();
        var profiles = new (int Age, string Conditions)[]
        {
            (30, "none"), (64, "none"), (65, "none"), (70, "none"), (30, "pregnant"), (30, "heart"),
            (30, "copd"), (30, "kidney"), (30, "dialysis"), (30, "diabetes"), (30, "immunosuppressant"),
            (30, "cancer_treated"), (30, "cancer_untreated"), (80, "pregnant,heart"),
        };
        foreach (var fever in Onsets)
            foreach (var fatigue in Onsets)
                foreach (var (age, conditions) in profiles)
                    data.Add(fever, fatigue, age, conditions);
        return data;
    }

    [Theory]
    [MemberData(nameof(Table))]
    public void EveryBranch_MatchesTheStatedRule(string fever, string fatigue, int age, string conditions)
    {
        var list = conditions.Split(',');
        Assert.Equal(Expected(fever, fatigue, age, list), Advise(fever, fatigue, age, list));
    }

    [Theory]
    [InlineData("today", 70, "none", "risk")]       // day 1: not yet, even at 70
    [InlineData("day1", 70, "none", "consult")]     // day 2 at 70: consult
    [InlineData("day1", 65, "none", "consult")]
    [InlineData("day1", 64, "none", "watch")]       // 64 without conditions: not high-risk
    [InlineData("day1", 30, "none", "watch")]
    [InlineData("day2", 30, "none", "watch")]       // day 3 at 30: not yet
    [InlineData("day3", 30, "none", "consult")]     // day 4 at 30: consult
    [InlineData("day4plus", 30, "none", "consult")]
    [InlineData("day1", 30, "diabetes", "consult")]
    [InlineData("day1", 30, "pregnant", "consult")]
    [InlineData("none", 70, "none", "prevention")]
    public void Boundaries_OfTheTwoAndFourDayRules(string fever, int age, string conditions, string expected) =>
        Assert.Equal(expected, Advise(fever, "none", age, conditions)[0]);

    [Fact]
    public void FatigueCounts_AsFeverDoes() => Assert.Equal("consult", Advise("none", "day3", 30, "none")[0]);

    [Fact]
    public void Pregnancy_GetsThePregnancyInformation_WithAnyMainAdvice()
    {
        Assert.Equal(["prevention", "pregnancy"], Advise("none", "none", 28, "pregnant"));
        Assert.Equal(["consult", "pregnancy"], Advise("day1", "none", 28, "pregnant"));
    }

    [Fact]
    public void ConsultMessage_NamesTheCentreOfTheResidentsArea()
    {
        var answers = new JsonObject { ["fever"] = "day3", ["fatigue"] = "none", ["age"] = 30, ["conditions"] = new JsonArray("none"), ["postal_code"] = "2130001" };
        var scope = new ResponseScope(SelfCheck, answers, Today, []);
        var advice = AdviceEvaluator.Evaluate(SelfCheck.Advice, scope)[0];
        Assert.Contains("川崎市の帰国者・接触者相談センター", advice.Message.Render("ja", scope));
        Assert.Contains("the Kawasaki City consultation centre", advice.Message.Render("en", scope));
        answers["postal_code"] = "9000000";
        Assert.Contains("お住まいの地域の保健福祉事務所", advice.Message.Render("ja", new ResponseScope(SelfCheck, answers, Today, [])));
    }
}

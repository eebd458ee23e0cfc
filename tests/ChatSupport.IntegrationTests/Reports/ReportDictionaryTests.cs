using ChatSupport.Questionnaires;
using ChatSupport.Web.Reports;

namespace ChatSupport.IntegrationTests.Reports;

public sealed class ReportDictionaryTests
{
    private static readonly string Document = Path.Combine(WebHost.Dialogs, "reports-dictionary.md");

    /// <summary>The document in dialogs/ is what the code says: regenerate it with UPDATE_REPORTS_DICTIONARY=1 after a change.</summary>
    [Fact]
    public void TheDocument_IsTheDictionaryOfTheCodeAndTheShippedQuestionnaires()
    {
        var expected = ReportDictionary.Markdown(QuestionnaireCatalog.Load(WebHost.Dialogs).All, versions: null);
        if (Environment.GetEnvironmentVariable("UPDATE_REPORTS_DICTIONARY") == "1") File.WriteAllText(Document, expected);
        Assert.True(File.Exists(Document), $"{Document} is missing: run this test with UPDATE_REPORTS_DICTIONARY=1.");
        Assert.Equal(expected, File.ReadAllText(Document));
    }

    [Fact]
    public void EveryMeasureTheAggregationWrites_IsDescribed()
    {
        var sql = File.ReadAllText(Path.Combine(WebHost.Dialogs, "..", "src", "ChatSupport.Persistence", "Reports", "DailyAggregation.cs"));
        var written = System.Text.RegularExpressions.Regex.Matches(sql, @"'(started|consented|completed|symptomatic|choice:|number:|advice|escalations|dropped_after|follow_ups_sent|follow_ups_answered|answer_minutes|reminders_sent)'?")
            .Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.True(written.Count >= 12);
        foreach (var measure in written)
            Assert.NotNull(ReportDictionary.Find(measure.EndsWith(':') ? measure + "x" : measure));
    }
}

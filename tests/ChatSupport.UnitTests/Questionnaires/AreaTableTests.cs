using System.Text.Json.Nodes;
using ChatSupport.Questionnaires;

namespace ChatSupport.UnitTests.Questionnaires;

public sealed class AreaTableTests
{
    [Fact]
    public void AreaChosenFromAList_SelectsItsRowExactly()
    {
        using var temp = new TempDirectory();
        temp.File("centres.csv", "key,centre\nnorth,北部の相談窓口\nsouth,南部の相談窓口\n");
        temp.File("by-area.yaml", """
            id: by-area
            version: "1"
            title: t
            consent: {version: "1", text: 同意しますか}
            areas: {table: centres.csv, key: district}
            questions:
              - {id: district, type: single, text: お住まいは, options: [{id: north, label: 北部}, {id: south, label: 南部}]}
            advice:
              - group: main
                rules: [{category: info, message: "{area.centre}へどうぞ"}]
            """);
        var definition = QuestionnaireCatalog.Load(temp.Path).Get("by-area");
        var scope = new ResponseScope(definition, new JsonObject { ["district"] = "south" }, new DateOnly(2026, 11, 20), []);
        Assert.Equal("南部の相談窓口へどうぞ", definition.Advice[0].Rules[0].Message.Render("ja", scope));
    }

    [Fact]
    public void FollowUpStops_WhenTheResidentHasRecovered()
    {
        var followUp = Shipped.Catalog.Get("covid19-followup");
        var history = new[] { new ChatSupport.Residents.HistoryRecord("covid19-followup", new DateOnly(2026, 11, 21), DateTimeOffset.UnixEpoch, new Dictionary<string, object?> { ["symptomatic"] = true, ["first_report"] = new DateOnly(2026, 11, 20) }) };
        var scope = new ResponseScope(followUp, new JsonObject { ["fever_now"] = false, ["fatigue_now"] = false }, new DateOnly(2026, 11, 22), history);
        var decision = ChatSupport.FollowUps.FollowUpPlanner.Next(followUp.FollowUp, scope);
        Assert.False(decision.Scheduled);
        Assert.StartsWith("stopped", decision.Reason);
    }
}

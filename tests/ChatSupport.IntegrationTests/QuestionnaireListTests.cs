using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace ChatSupport.IntegrationTests;

/// <summary>
/// <c>GET /api/questionnaires</c>, what the chat page offers: the configured default first and marked as such, the
/// follow-ups (which the follow-up job opens) marked and last, so that a resident is never first offered a follow-up.
/// </summary>
public sealed class QuestionnaireListTests
{
    private static async Task<List<JsonObject>> ListAsync(string? defaultQuestionnaire)
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        // All three offered (Questionnaires:Offered), so that the order and the marks are what is tested.
        await using var host = new WebHost(database, defaultQuestionnaire: defaultQuestionnaire, settings: new Dictionary<string, string>
        {
            ["Questionnaires:Offered:0"] = "covid19-followup", ["Questionnaires:Offered:1"] = "elderly-watch", ["Questionnaires:Offered:2"] = "covid19-selfcheck",
        });
        var list = await host.CreateClient().GetFromJsonAsync<JsonArray>("/api/questionnaires");
        return [.. list!.Select(q => q!.AsObject())];
    }

    [Theory]
    [InlineData(null, "covid19-selfcheck")] // QuestionnaireBotOptions' own default
    [InlineData("elderly-watch", "elderly-watch")]
    public async Task TheDefaultComesFirst_AndIsMarked(string? configured, string expected)
    {
        var list = await ListAsync(configured);

        Assert.Equal(expected, (string?)list[0]["id"]);
        Assert.Equal([expected], list.Where(q => (bool?)q["isDefault"] == true).Select(q => (string?)q["id"]));
        Assert.Equal("新型コロナ 体調チェック", (string?)list.Single(q => (string?)q["id"] == "covid19-selfcheck")["title"]!["ja"]);
    }

    [Fact]
    public async Task FollowUps_AreMarked_AndOfferedLast()
    {
        var list = await ListAsync(null);

        Assert.Equal(["covid19-selfcheck", "elderly-watch", "covid19-followup"], list.Select(q => (string?)q["id"]));
        Assert.Equal([false, false, true], list.Select(q => (bool?)q["isFollowUp"]));
    }

    /// <summary>A questionnaire that is both the default and some other's follow-up is offered as the default.</summary>
    [Fact]
    public async Task AFollowUpConfiguredAsTheDefault_IsOfferedFirst()
    {
        var list = await ListAsync("covid19-followup");

        Assert.Equal("covid19-followup", (string?)list[0]["id"]);
        Assert.Equal(true, (bool?)list[0]["isDefault"]);
        Assert.Equal(false, (bool?)list[0]["isFollowUp"]);
    }
}

using System.Text.Json.Nodes;
using ChatSupport.Cli.Simulation;
using ChatSupport.Questionnaires;

namespace ChatSupport.UnitTests.Questionnaires;

public sealed class QuestionnaireBotTests
{
    private static LocalConversation Start(string questionnaire = "covid19-selfcheck", string? locale = null) =>
        new(Shipped.Catalog, questionnaire, locale) { Now = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.FromHours(9)) };

    [Fact]
    public async Task NoAnswerIsRecorded_BeforeConsent_AndNoneAtAll_WhenDeclined()
    {
        var c = Start();
        await c.JoinAsync();
        await c.SayAsync("今日から"); // an answer typed before consenting is not an answer
        await c.SayAsync("同意しない");
        Assert.DoesNotContain(c.Events, e => e is AnswerRecorded or ConsentGiven or ResponseStarted);
        Assert.Equal(ResponseStatus.Declined, Assert.Single(c.Events.OfType<ResponseCompleted>()).Outcome.Status);
        Assert.Empty(await c.History.ReadAsync(c.ResidentId("local")));
    }

    [Fact]
    public async Task AnswersAreRecordedFromTheMomentTheyAreGiven_AfterConsent()
    {
        var c = Start();
        await c.JoinAsync();
        await c.SayAsync("同意する");
        await c.SayAsync("1日前から");
        var kinds = c.Events.Select(e => e.GetType().Name).ToList();
        Assert.Equal(["ConsentGiven", "ResponseStarted", "AnswerRecorded"], kinds);
        var answer = c.Events.OfType<AnswerRecorded>().Single();
        Assert.Equal(("fever", "day1"), (answer.QuestionId, answer.Value!.GetValue<string>()));
    }

    [Fact]
    public async Task ConsentIsAskedOnce_AndSharedWithTheFollowUp()
    {
        var c = Start();
        await c.JoinAsync();
        await c.SayAsync("同意する");
        var replies = await c.StartAsync("covid19-followup");
        Assert.DoesNotContain(replies, r => r.Text?.Contains("同意いただける場合", StringComparison.Ordinal) == true);
        Assert.Contains(replies, r => r.Text == "現在、37.5℃以上の発熱はありますか？");
    }

    [Fact]
    public async Task DeleteMyData_AfterConfirmation_ErasesHistoryAndState_AndRaisesTheIntent()
    {
        var c = Start();
        await c.JoinAsync();
        foreach (var say in new[] { "同意する", "無し", "無し", "40", "男性", "学生", "下記いずれも該当なし", "2200012", "いずれも行っていない" })
            await c.SayAsync(say);
        Assert.NotEmpty(await c.History.ReadAsync(c.ResidentId("local")));

        var confirm = await c.SayAsync("データ削除");
        Assert.Contains("削除します。よろしいですか", confirm.Single().Text);
        Assert.NotEmpty(await c.History.ReadAsync(c.ResidentId("local"))); // nothing is erased before the resident confirms
        var done = await c.SayAsync("はい");
        Assert.Contains("削除しました", done.Single().Text);
        Assert.Empty(await c.History.ReadAsync(c.ResidentId("local")));
        Assert.Empty(await c.Storage.ReadAsync(["local/users/resident-1"]));
        Assert.Contains(c.Events, e => e is IntentRaised { Intent: ResidentIntent.DeleteData });

        // After erasure the resident is a stranger: consent is asked again.
        var again = await c.SayAsync("開始");
        Assert.Contains(again, r => r.Text?.Contains("同意いただける場合", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task DeleteMyData_Declined_KeepsEverything()
    {
        var c = Start();
        await c.JoinAsync();
        await c.SayAsync("同意する");
        await c.SayAsync("今日から");
        await c.SayAsync("データ削除");
        var replies = await c.SayAsync("いいえ");
        Assert.Equal("削除を取りやめました。", replies[0].Text);
        Assert.StartsWith("強いだるさ", replies[1].Text); // the response in progress goes on where it was
        Assert.Contains(c.Events, e => e is AnswerRecorded { QuestionId: "fever" });
        Assert.DoesNotContain(c.Events, e => e is IntentRaised { Intent: ResidentIntent.DeleteData });
        Assert.NotEmpty(await c.Storage.ReadAsync(["local/users/resident-1"]));
    }

    [Fact]
    public async Task StoppedFollowUps_StayStopped_UntilTheResidentSaysStart()
    {
        var c = Start();
        await c.JoinAsync();
        foreach (var say in new[] { "同意する", "今日から", "配信停止", "無し", "40", "男性", "学生", "下記いずれも該当なし", "2200012", "いずれも行っていない" })
            await c.SayAsync(say);
        var completed = c.Events.OfType<ResponseCompleted>().Single().Outcome;
        Assert.Null(completed.FollowUp!.Due);
        Assert.Equal("stopped by the resident", completed.FollowUp.Reason);

        await c.SayAsync("ありがとう"); // any other message neither starts a questionnaire nor resumes follow-ups
        Assert.DoesNotContain(c.Events, e => e is IntentRaised { Intent: ResidentIntent.ResumeFollowUps });
        var resumed = await c.SayAsync("開始");
        Assert.Contains(c.Events, e => e is IntentRaised { Intent: ResidentIntent.ResumeFollowUps });
        // Said before question 1 (issue 13, point 14).
        Assert.Equal("確認メッセージの配信を再開しました。", resumed[0].Text);
        Assert.StartsWith("37.5℃以上の発熱", resumed[1].Text);
    }

    [Fact]
    public async Task AConversationInAQuestionnaireThatIsNoLongerPublished_StartsAfresh()
    {
        var c = Start("elderly-watch");
        await c.JoinAsync();
        await c.SayAsync("同意する");
        var json = (await c.Storage.ReadAsync(["local/conversations/conversation-resident-1"]))["local/conversations/conversation-resident-1"].Json;
        await c.Storage.WriteAsync(new Dictionary<string, ChatSupport.State.StoreItem>
        {
            ["local/conversations/conversation-resident-1"] = new(json.Replace("\"id\":\"elderly-watch\"", "\"id\":\"withdrawn-survey\"", StringComparison.Ordinal), "*"),
        });
        var replies = await c.SayAsync("良い");
        Assert.Equal("質問の内容が新しくなりました。お手数ですが、はじめからお答えください。", replies[0].Text);
        Assert.Equal("今日の体調はいかがですか？", replies[^1].Text);
    }

    [Fact]
    public async Task Help_AsTheVeryFirstMessage_ShowsHelpAndStartsTheQuestionnaire()
    {
        var c = Start();
        var replies = await c.SayAsync("ヘルプ");
        Assert.StartsWith("質問にはボタンを押すか", replies[0].Text);
        Assert.Contains("同意いただける場合", replies[^1].Text);
        Assert.DoesNotContain(c.Events, e => e is ResponseStarted); // consent not yet given
    }

    [Fact]
    public async Task Commands_WorkDuringTheDeleteConfirmation()
    {
        var c = Start();
        await c.JoinAsync();
        await c.SayAsync("同意する");
        await c.SayAsync("データ削除");
        var help = await c.SayAsync("ヘルプ");
        Assert.StartsWith("質問にはボタンを押すか", help[0].Text);
        Assert.Contains("削除します。よろしいですか", help[1].Text);   // the confirmation is asked again
        var restart = await c.SayAsync("やり直し");                   // leaves the deletion, nothing erased
        Assert.Contains(restart, r => r.Text!.StartsWith("37.5℃以上の発熱", StringComparison.Ordinal));
        Assert.DoesNotContain(c.Events, e => e is IntentRaised { Intent: ResidentIntent.DeleteData });
    }

    [Fact]
    public async Task EngineTexts_StayInTheResidentsLanguage_WhenTheChannelStopsSendingIt()
    {
        var c = Start(locale: "en-US");
        await c.JoinAsync();
        await c.SayAsync("I agree");
        c.Locale = null;
        var help = await c.SayAsync("help");
        Assert.StartsWith("Answer by tapping a button", help[0].Text);
        Assert.Equal("Do you have a fever of 37.5°C or higher? If so, since when?", help[1].Text);
    }

    [Fact]
    public async Task EngineTexts_FollowTheQuestionnairesLanguage()
    {
        var c = Start("elderly-watch", "fr-FR");
        await c.JoinAsync();
        var help = await c.SayAsync("help");
        Assert.StartsWith("質問にはボタンを押すか", help[0].Text);
    }

    [Fact]
    public async Task StopFollowUps_ClearsTheNextFollowUp_AndRepromptsTheCurrentQuestion()
    {
        var c = Start();
        await c.JoinAsync();
        await c.SayAsync("同意する");
        var replies = await c.SayAsync("配信停止");
        Assert.Contains("配信を停止しました", replies[0].Text);
        Assert.Equal("37.5℃以上の発熱はありますか？ある場合は、いつからか教えてください。", replies[1].Text);
        Assert.Contains(c.Events, e => e is IntentRaised { Intent: ResidentIntent.StopFollowUps });
        var profile = JsonNode.Parse((await c.Storage.ReadAsync(["local/users/resident-1"]))["local/users/resident-1"].Json)!["profile"]!;
        Assert.True(profile["followUpsStopped"]!.GetValue<bool>());
    }

    [Fact]
    public async Task DialogStack_KeepsTheQuestionnaireVersion()
    {
        var c = Start();
        await c.JoinAsync();
        var stack = JsonNode.Parse((await c.Storage.ReadAsync(["local/conversations/conversation-resident-1"]))["local/conversations/conversation-resident-1"].Json)!["dialogStack"]!.AsArray();
        Assert.Equal("covid19-selfcheck", (string?)stack[^1]!["id"]);
        Assert.Equal("2020-03.1", (string?)stack[^1]!["version"]);
    }

    [Fact]
    public async Task QuestionPromptState_IsAReferenceToTheQuestion_NotTheRenderedMessage()
    {
        var c = Start();
        await c.JoinAsync();
        await c.SayAsync("同意する");
        var json = (await c.Storage.ReadAsync(["local/conversations/conversation-resident-1"]))["local/conversations/conversation-resident-1"].Json;
        Assert.Contains("\"options\":{\"question\":\"fever\",\"locale\":\"ja\"", json);
        Assert.DoesNotContain("37.5", json);
        Assert.Contains("\"questionnaire\":\"covid19-selfcheck\"", json);
        Assert.True(json.Length < 600, $"{json.Length} characters of state");
    }

    [Fact]
    public async Task ProfileQuestions_OfferTheLastAnswer_OnReReporting()
    {
        var c = Start();
        await c.JoinAsync();
        foreach (var say in new[] { "同意する", "無し", "無し", "72", "女性", "無職", "糖尿病", "回答終了", "2200012", "いずれも行っていない" })
            await c.SayAsync(say);
        await c.SayAsync("開始");
        await c.SayAsync("無し");
        var ageQuestion = await c.SayAsync("無し");
        var prompt = ageQuestion.Last();
        Assert.Contains("（前回のお答え：72）", prompt.Text);
        Assert.Equal("前回と同じ", prompt.SuggestedActions!.Actions[0].Title);
    }
}

internal static class ResidentIds
{
    public static string ResidentId(this LocalConversation c, string channel) => $"{channel}:{c.ResidentId}";
}

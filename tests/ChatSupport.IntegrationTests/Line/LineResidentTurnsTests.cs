using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ChatSupport.Tests.Line;
using ChatSupport.Web.Reports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChatSupport.IntegrationTests.Line;

/// <summary>
/// What residents ran into in LINE (issue 13, points 10, 11 and 13), over signed webhooks into the real host and
/// database: another municipality's questionnaire, stickers and images, and text after finishing.
/// </summary>
public sealed class LineResidentTurnsTests
{
    private static readonly string[] SelfCheckAfterConsent = ["無し", "無し", "40", "男性", "学生", "下記いずれも該当なし", "2200012", "いずれも行っていない"];

    private static async Task<(TestDatabase Db, LineApiMock Mock, WebHost Host)> StartAsync(string provider, Dictionary<string, string>? extra = null)
    {
        var db = await TestDatabase.CreateAsync(provider);
        var mock = await LineApiMock.StartAsync(LineTenant.Token);
        // The host's own list (the page's) offers the city's questionnaire: the tenant must not inherit it.
        var settings = new Dictionary<string, string>
        {
            ["Questionnaires:Offered:0"] = "covid19-selfcheck", ["Questionnaires:Offered:1"] = "elderly-watch",
            [$"Tenants:{LineTenant.Id}:Reports:SmallCellThreshold"] = "1",
        };
        foreach (var (k, v) in extra ?? []) settings[k] = v;
        var host = new WebHost(db, settings: LineTenant.Settings(mock, settings));
        return (db, mock, host);
    }

    private static IEnumerable<string?> Texts(JsonArray messages) => messages.Select(m => (string?)m!["text"]);

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task TheCitysQuestionnaireButton_StartsNothingInThePrefecturesTenant(string provider)
    {
        var (database, mock, host) = await StartAsync(provider);
        await using var databaseScope = database; await using var mockScope = mock; await using var hostScope = host;
        var resident = new LineResident(host.CreateClient(), mock);

        await resident.SayAsync(resident.Follow());
        await resident.SayAsync(resident.Text("同意する"));
        // In the middle of the self-check: the question is asked again, nothing else happens.
        var during = await resident.SayAsync(resident.Postback("questionnaire=elderly-watch"));
        Assert.StartsWith("37.5℃以上の発熱", Texts(during).Last());
        foreach (var text in SelfCheckAfterConsent) await resident.SayAsync(resident.Text(text));
        // After it: the prefecture's own self-check starts (an explicit start), never the city's.
        var after = await resident.SayAsync(resident.Postback("questionnaire=elderly-watch"));
        Assert.StartsWith("37.5℃以上の発熱", Texts(after).Last());
        Assert.DoesNotContain(Texts(during).Concat(Texts(after)), t => t?.Contains("見守り", StringComparison.Ordinal) == true || t?.Contains("今日の体調はいかがですか", StringComparison.Ordinal) == true);

        await using var db = database.Open();
        Assert.Equal(["covid19-selfcheck", "covid19-selfcheck"], (await db.Responses.AsNoTracking().ToListAsync()).Select(r => r.QuestionnaireId));
        Assert.Empty(mock.SpecViolations);
    }

    [Fact]
    public async Task ATenantThatOffersTheCitysQuestionnaire_StartsItFromItsButton()
    {
        var (database, mock, host) = await StartAsync("postgres", new()
        {
            [$"Tenants:{LineTenant.Id}:Questionnaires:0"] = "covid19-selfcheck", [$"Tenants:{LineTenant.Id}:Questionnaires:1"] = "elderly-watch",
            [$"Tenants:{LineTenant.Id}:Questionnaires:2"] = "covid19-followup", // the self-check's follow-ups open it
        });
        await using var databaseScope = database; await using var mockScope = mock; await using var hostScope = host;
        var resident = new LineResident(host.CreateClient(), mock);
        await resident.SayAsync(resident.Follow());
        var city = await resident.SayAsync(resident.Postback("questionnaire=elderly-watch"));
        Assert.Contains(Texts(city), t => t?.StartsWith("毎日、体調と暮らしの様子を伺い", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task ThePage_OffersAndStartsOnlyWhatQuestionnairesOfferedLists()
    {
        var (database, mock, host) = await StartAsync("sqlite");
        await using var databaseScope = database; await using var mockScope = mock; await using var hostScope = host;
        var client = host.CreateClient();
        var listed = await client.GetFromJsonAsync<JsonArray>("/api/questionnaires");
        Assert.Equal(["covid19-selfcheck", "elderly-watch"], listed!.Select(q => (string?)q!["id"]));

        // A button of a questionnaire not offered on this path (the follow-up is not in the list) starts the default.
        var activity = WebHost.Activity("", "page-1");
        activity["value"] = new JsonObject { ["questionnaire"] = "covid19-followup" };
        activity.Remove("text");
        var reply = await client.PostAsJsonAsync("/api/messages", activity);
        reply.EnsureSuccessStatusCode();
        Assert.Contains("同意いただける場合", (await reply.Content.ReadAsStringAsync()));
        var city = WebHost.Activity("", "page-2");
        city["value"] = new JsonObject { ["questionnaire"] = "elderly-watch" };
        city.Remove("text");
        Assert.Contains("毎日、体調と暮らしの様子を伺い", await (await client.PostAsJsonAsync("/api/messages", city)).Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task StickersImagesAndLocations_AreAnswered_WithTheQuestionAgain_AndNothingOfThemIsKept(string provider)
    {
        var (database, mock, host) = await StartAsync(provider);
        await using var databaseScope = database; await using var mockScope = mock; await using var hostScope = host;
        var resident = new LineResident(host.CreateClient(), mock);
        await resident.SayAsync(resident.Follow());
        await resident.SayAsync(resident.Text("同意する"));

        JsonObject Message(JsonObject message) => resident.Event("message", new JsonObject { ["message"] = message });
        var inputs = new[]
        {
            Message(new JsonObject { ["id"] = "900001", ["type"] = "sticker", ["packageId"] = "446", ["stickerId"] = "1988", ["stickerResourceType"] = "STATIC", ["quoteToken"] = "q" }),
            Message(new JsonObject { ["id"] = "900002", ["type"] = "image", ["contentProvider"] = new JsonObject { ["type"] = "line" }, ["quoteToken"] = "q" }),
            Message(new JsonObject { ["id"] = "900003", ["type"] = "location", ["title"] = "自宅", ["address"] = "神奈川県横浜市中区日本大通1", ["latitude"] = 35.4478, ["longitude"] = 139.6425 }),
            Message(new JsonObject { ["id"] = "900004", ["type"] = "audio", ["duration"] = 3000, ["contentProvider"] = new JsonObject { ["type"] = "line" } }),
        };
        foreach (var input in inputs)
        {
            var replies = await resident.SayAsync(input);
            Assert.Equal("申し訳ありません。スタンプや画像、位置情報などにはお答えできません。ボタンを押すか、文字でお答えください。", Texts(replies).First());
            Assert.StartsWith("37.5℃以上の発熱", Texts(replies).Last());
            Assert.NotNull(replies[^1]!["quickReply"]);
        }
        // Four of them cost no attempt: the self-check goes on from the same question.
        foreach (var text in SelfCheckAfterConsent) await resident.SayAsync(resident.Text(text));

        await using var db = database.Open();
        Assert.Equal("completed", (await db.Responses.AsNoTracking().SingleAsync()).Status);
        Assert.Equal(8, await db.Answers.CountAsync());
        await WaitUntilAsync(async () => await db.LineOutbox.CountAsync() == 0);
        var stored = string.Join("\n", (await db.StateDocuments.AsNoTracking().ToListAsync()).Select(s => s.Json))
            + string.Join("\n", (await db.LineInbox.AsNoTracking().ToListAsync()).Select(r => r.Payload));
        Assert.DoesNotContain("日本大通", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("1988", stored, StringComparison.Ordinal);
        Assert.Empty(mock.SpecViolations);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task Thanks_TheDayAfterFinishing_GetsAShortAnswer_AndIsNotCountedAsStarted(string provider)
    {
        var (database, mock, host) = await StartAsync(provider);
        await using var databaseScope = database; await using var mockScope = mock; await using var hostScope = host;
        var resident = new LineResident(host.CreateClient(), mock);
        var tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, tokyo).DateTime);
        // Yesterday (JST): the self-check, answered in full (the replies go by push: the reply tokens are old).
        resident.Now = DateTimeOffset.UtcNow.AddDays(-1);
        await resident.SayAsync(resident.Follow());
        await resident.SayAsync(resident.Text("同意する"));
        foreach (var text in SelfCheckAfterConsent) await resident.SayAsync(resident.Text(text));

        // Today: 「ありがとう」 and a stale button.
        resident.Now = DateTimeOffset.UtcNow;
        foreach (var e in new[] { resident.Text("ありがとう"), resident.Postback("none") })
        {
            var reply = await resident.SayAsync(e);
            var message = Assert.Single(reply);
            Assert.Equal("メッセージありがとうございます。\n体調の報告は、下の「開始」ボタンからいつでもできます。", (string?)message!["text"]);
            Assert.Equal("開始", LineResident.DataOf(reply, "開始"));
        }

        await using var db = database.Open();
        Assert.Equal(1, await db.Responses.CountAsync());
        var job = host.Services.GetRequiredService<AggregateDailyJob>();
        await job.RunAsync(LineTenant.Id, today.AddDays(-1).ToString("yyyy-MM-dd"), CancellationToken.None);
        await job.RunAsync(LineTenant.Id, today.ToString("yyyy-MM-dd"), CancellationToken.None);
        var started = await db.DailyFigures.AsNoTracking().Where(f => f.QuestionnaireId == "covid19-selfcheck" && f.Measure == "started" && f.Dimension == "all").ToListAsync();
        Assert.Equal(1, started.Single(f => f.LocalDate == today.AddDays(-1)).Count);
        Assert.DoesNotContain(started, f => f.LocalDate == today && f.Count > 0);

        // 開始 starts a new report, which is counted today.
        var again = await resident.SayAsync(resident.Text("開始"));
        Assert.StartsWith("37.5℃以上の発熱", Texts(again).Last());
        await job.RunAsync(LineTenant.Id, today.ToString("yyyy-MM-dd"), CancellationToken.None);
        Assert.Equal(1, (await db.DailyFigures.AsNoTracking().SingleAsync(f => f.QuestionnaireId == "covid19-selfcheck" && f.Measure == "started" && f.Dimension == "all" && f.LocalDate == today)).Count);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("The condition did not hold within 20 s.");
            await Task.Delay(50);
        }
    }
}

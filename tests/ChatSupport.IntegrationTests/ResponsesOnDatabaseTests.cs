using ChatSupport.Persistence;
using Microsoft.EntityFrameworkCore;
using static ChatSupport.IntegrationTests.ConversationOnDatabaseTests;

namespace ChatSupport.IntegrationTests;

/// <summary>Answers, responses, history and erasure on real databases, through the bot as a host runs it.</summary>
public sealed class ResponsesOnDatabaseTests
{
    private static readonly DateTimeOffset Day1 = new(2026, 11, 20, 10, 0, 0, TimeSpan.FromHours(9));
    private static readonly string Pseudonym = Keys.Pseudonym("test:resident-1");

    private static async Task SelfCheckAsync(TestDatabase database, string age, string fever = "今日から")
    {
        string[] inputs = ["開始", "同意する", fever, "無し", age, "男性", "無職", "下記いずれも該当なし", "２２０－００１２", "石けんで手洗い", "回答終了"];
        foreach (var (input, i) in inputs.Select((x, i) => (x, i)))
            await TurnAsync(database, null, input, Day1.AddMinutes(i));
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task HistoryRule_ReadsTheDatabase_AndAnswersAreTypedRows(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await SelfCheckAsync(database, "70");
        var day2 = Day1.AddDays(1);
        await TurnAsync(database, null, "回答する", day2, "covid19-followup");
        await TurnAsync(database, null, "はい", day2.AddMinutes(1));
        await TurnAsync(database, null, "いいえ", day2.AddMinutes(2));
        await TurnAsync(database, null, "スキップ", day2.AddMinutes(3));
        var replies = await TurnAsync(database, null, "変わらない", day2.AddMinutes(4));
        Assert.Contains(replies, r => r.Text!.StartsWith("症状が続いています（2日目）", StringComparison.Ordinal));

        await using var db = database.Open();
        var responses = await db.Responses.AsNoTracking().OrderBy(r => r.QuestionnaireId).ToListAsync();
        Assert.Equal(["covid19-followup", "covid19-selfcheck"], responses.Select(r => r.QuestionnaireId));
        Assert.All(responses, r => Assert.Equal("2020-03.1", r.QuestionnaireVersion));
        Assert.Equal("consult", responses[0].AdviceCategories);
        Assert.Equal("newly-consult", responses[0].Escalations);
        Assert.Equal(responses[1].Id, responses[0].FollowsUpResponseId);
        Assert.Equal("risk", responses[1].AdviceCategories);

        var answers = await db.Answers.AsNoTracking().Where(a => a.ResponseId == responses[1].Id).ToDictionaryAsync(a => a.QuestionId);
        Assert.Equal(70m, answers["age"].ValueNumber);
        Assert.Equal("today", answers["fever"].ValueText);
        Assert.Equal("2200012", answers["postal_code"].ValueText);
        Assert.Equal("[\"handwashing\"]", answers["behaviours"].ValueList);
        Assert.All(answers.Values, a => Assert.Equal(Pseudonym, a.ResidentId));
        var skipped = await db.Answers.AsNoTracking().SingleAsync(a => a.QuestionId == "spo2");
        Assert.True(skipped.Skipped);

        var resident = await db.Residents.AsNoTracking().SingleAsync();
        Assert.Equal((Pseudonym, "test", "resident-1"), (resident.Id, resident.ChannelId, resident.ChannelUserId));
        Assert.Equal(("covid19-selfcheck", SelfCheckConsentVersion), (resident.ConsentId, resident.ConsentVersion));
        Assert.Equal(new DateOnly(2026, 11, 22), resident.NextFollowUp);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task DeclinedConsent_LeavesNoRow(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await TurnAsync(database, null, "開始", Day1);
        await TurnAsync(database, null, "今日から", Day1.AddMinutes(1));
        await TurnAsync(database, null, "同意しない", Day1.AddMinutes(2));
        await using var db = database.Open();
        Assert.Equal(0, await db.Answers.CountAsync());
        Assert.Equal(0, await db.Responses.CountAsync());
        Assert.Equal(0, await db.Residents.CountAsync());
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task DeleteMyData_ErasesEveryRowThatIdentifiesTheResident(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await SelfCheckAsync(database, "40");
        await TurnAsync(database, null, "データ削除", Day1.AddHours(1));
        var replies = await TurnAsync(database, null, "はい", Day1.AddHours(1).AddMinutes(1));
        Assert.Contains(replies, r => r.Text!.Contains("削除しました", StringComparison.Ordinal));

        // Every string column of every table of the model: no pseudonym, no channel user id, no conversation id.
        await using var db = database.Open();
        foreach (var entity in db.Model.GetEntityTypes())
        {
            var rows = await QueryAllAsync(db, entity.ClrType);
            foreach (var row in rows)
                foreach (var property in entity.GetProperties().Where(p => p.ClrType == typeof(string)))
                {
                    var value = (string?)property.GetGetter().GetClrValue(row);
                    Assert.False(value is not null && (value.Contains(Pseudonym, StringComparison.Ordinal) || value.Contains("resident-1", StringComparison.Ordinal) || value.Contains("conversation-1", StringComparison.Ordinal)),
                        $"{entity.GetTableName()}.{property.GetColumnName()} still holds '{value}'");
                }
        }
        Assert.Equal(0, await db.Answers.CountAsync());
        Assert.Equal(1, await db.AuditLog.CountAsync(a => a.Action == "erasure"));
    }

    private static async Task<List<object>> QueryAllAsync(ChatSupportDbContext db, Type type)
    {
        var set = typeof(DbContext).GetMethod(nameof(DbContext.Set), Type.EmptyTypes)!.MakeGenericMethod(type).Invoke(db, null)!;
        var list = new List<object>();
        await foreach (var item in (IAsyncEnumerable<object>)set) list.Add(item);
        return list;
    }
}

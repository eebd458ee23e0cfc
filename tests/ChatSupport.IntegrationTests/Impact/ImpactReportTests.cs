using System.Text.Json;
using ChatSupport.Channels.Line;
using ChatSupport.IntegrationTests.Security;
using ChatSupport.Persistence;
using ChatSupport.Persistence.Reports;
using ChatSupport.Persistence.Residents;
using ChatSupport.Questionnaires;
using ChatSupport.Questionnaires.Impact;
using ChatSupport.Tests.Impact;
using ChatSupport.Tests.Reports;
using ChatSupport.Web.Impact;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ChatSupport.Tenants;

namespace ChatSupport.IntegrationTests.Impact;

/// <summary>
/// The impact report on a real database (PostgreSQL and SQLite): which stored responses it reads, with which history,
/// and the service's figures against the replay of the generated responses themselves (whose figures the unit tests
/// check against a computation by hand).
/// </summary>
public sealed class ImpactReportTests
{
    private const string Tenant = "kanagawa";
    private static readonly TimeSpan Jst = TimeSpan.FromHours(9);

    private static ServiceProvider Services(TestDatabase database, DateTimeOffset now, int k = 10)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(database.Contexts);
        services.AddSingleton<TimeProvider>(new TestClock(now));
        services.AddOptions<QuestionnaireBotOptions>();
        services.AddOptions<TenantsOptions>().Configure(t => t[Tenant] = new TenantOptions { TimeZoneId = "Asia/Tokyo", Reports = new TenantReportOptions { SmallCellThreshold = k } });
        return services.AddImpactReport().BuildServiceProvider();
    }

    private static ResponseRow Response(string id, string resident, string questionnaire, string status, DateOnly day, int hour, string? values = "{\"fever\":true}") => new()
    {
        Id = id, ResidentId = resident, QuestionnaireId = questionnaire, QuestionnaireVersion = "1", Status = status,
        StartedAt = new DateTimeOffset(day.ToDateTime(new TimeOnly(hour, 0)), Jst).AddMinutes(-5),
        CompletedAt = status == "in_progress" ? null : new DateTimeOffset(day.ToDateTime(new TimeOnly(hour, 0)), Jst),
        LocalDate = status == "in_progress" ? null : day, ValuesJson = values,
    };

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task Store_ReadsTheTenantsCompletedResponsesOfThePeriod_WithTheHistoryTheRulesSaw(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (from, to) = (new DateOnly(2026, 11, 10), new DateOnly(2026, 11, 16));
        const string Q = ImpactData.QuestionnaireId;
        await using (var db = database.Open())
            await ReportDataGenerator.WriteAsync(db, new object[]
            {
                new ResidentRow { Id = "a", ChannelId = "line", TenantId = Tenant },
                new ResidentRow { Id = "b", ChannelId = "line", TenantId = "other" },
                new ResidentRow { Id = "c", ChannelId = "test", TenantId = null },
                Response("a-0", "a", ImpactData.IntakeId, "completed", new DateOnly(2026, 10, 1), 9, "{\"fever\":false,\"onset\":{\"date\":\"2026-09-30\"},\"list\":[\"x\",\"y\"]}"),
                Response("a-1", "a", Q, "completed", from.AddDays(-1), 23),          // the day before: history only
                Response("a-2", "a", Q, "completed", from, 0),                       // the first day, just after midnight JST
                Response("a-3", "a", Q, "emergency", from.AddDays(2), 10),
                Response("a-4", "a", Q, "in_progress", from.AddDays(3), 10, null),
                Response("a-5", "a", Q, "abandoned", from.AddDays(3), 11, null),
                Response("a-6", "a", ImpactData.IntakeId, "completed", from.AddDays(4), 10),
                Response("a-7", "a", Q, "completed", to, 23),                        // the last day, just before midnight JST
                Response("a-8", "a", Q, "completed", to.AddDays(1), 9),              // after the period
                Response("b-1", "b", Q, "completed", from.AddDays(1), 10),           // another tenant's resident
                Response("c-1", "c", Q, "completed", from.AddDays(1), 10),           // no tenant: "default"
            });

        var store = new ImpactResponseStore(database.Contexts);
        var read = await store.ReadAsync(Tenant, Q, from, to).ToListAsync();
        Assert.Equal(["a-2", "a-3", "a-7"], read.Select(r => r.Id));
        Assert.Equal([from, from.AddDays(2), to], read.Select(r => r.Date));
        Assert.Equal(["a-1", "a-0"], read[0].History.Select(h => h.ResponseId));
        Assert.Equal(["a-6", "a-3", "a-2", "a-1", "a-0"], read[2].History.Select(h => h.ResponseId));
        var oldest = read[2].History[^1];
        Assert.Equal((ImpactData.IntakeId, new DateOnly(2026, 10, 1)), (oldest.QuestionnaireId, oldest.Date));
        Assert.Equal(new DateOnly(2026, 9, 30), oldest.Values["onset"]);
        Assert.Equal(["x", "y"], (IReadOnlyList<string>)oldest.Values["list"]!);
        Assert.Equal(true, read[0].Values["fever"]);

        Assert.Equal(["c-1"], (await store.ReadAsync(DailyAggregation.DefaultTenant, Q, from, to).ToListAsync()).Select(r => r.Id));
        Assert.Equal(["b-1"], (await store.ReadAsync("other", Q, from, to).ToListAsync()).Select(r => r.Id));
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task Report_GivesTheFiguresOfTheGeneratedResponses_OverTheLastDays(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        // 30 days of responses (November); the report on 2026-11-30 at 10:00 JST over 20 days covers the 11th to the 30th.
        var generated = ImpactData.Generate(2500, 21).ToList();
        await using (var db = database.Open()) await ReportDataGenerator.WriteAsync(db, ImpactRows.Rows(generated, Tenant));
        var (before, after) = (ImpactData.Definition(ImpactData.V1), ImpactData.Definition(ImpactData.V2));
        await using var services = Services(database, new DateTimeOffset(2026, 11, 30, 10, 0, 0, Jst));

        var report = await services.GetRequiredService<ImpactReport>().ComputeAsync(Tenant, ImpactData.QuestionnaireId, before, after, 20, CancellationToken.None);

        Assert.Equal((new DateOnly(2026, 11, 11), new DateOnly(2026, 11, 30), 20), (report.From, report.To, report.Days));
        var expected = new ImpactTally(before, after);
        foreach (var r in generated.Where(r => r.Stored.Date >= report.From)) expected.Add(r.Stored);
        Assert.InRange(expected.Responses, 1500, 1800);
        Assert.Equal(JsonSerializer.Serialize(ImpactFigures.From(expected, 10)), JsonSerializer.Serialize(report.Figures));
        Assert.Equal(expected.Responses, report.Figures.Responses.Count);
        Assert.True(report.Figures.Changed.Advice.Count > 0);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task Report_SuppressesWithTheTenantsThreshold(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var generated = ImpactData.Generate(400, 5, days: 3).ToList();
        await using (var db = database.Open()) await ReportDataGenerator.WriteAsync(db, ImpactRows.Rows(generated, Tenant));
        var (before, after) = (ImpactData.Definition(ImpactData.V1), ImpactData.Definition(ImpactData.V2));
        var now = new DateTimeOffset(2026, 11, 3, 20, 0, 0, Jst);

        await using var strict = Services(database, now, k: 200);
        var hidden = await strict.GetRequiredService<ImpactReport>().ComputeAsync(Tenant, ImpactData.QuestionnaireId, before, after, 7, CancellationToken.None);
        await using var open = Services(database, now, k: 1);
        var shown = await open.GetRequiredService<ImpactReport>().ComputeAsync(Tenant, ImpactData.QuestionnaireId, before, after, 7, CancellationToken.None);

        Assert.Equal(400, shown.Figures.Responses.Count);
        Assert.Equal(200, hidden.Figures.K);
        var pairs = shown.Figures.Advice.Zip(hidden.Figures.Advice).SelectMany(p => new[] { (p.First.Before, p.Second.Before), (p.First.After, p.Second.After) }).ToList();
        Assert.All(pairs, p => Assert.False(p.Item1.Suppressed));
        // Under the strict threshold every count from 1 to 199 is hidden, and hidden counts carry no number.
        Assert.All(pairs.Where(p => p.Item1.Count is > 0 and < 200), p => Assert.Equal(new ImpactCount(null, true), p.Item2));
        Assert.Contains(pairs, p => p.Item1.Count is > 0 and < 200);
    }

    [Fact]
    public async Task Report_Cancelled_EndsWithTheCancellation()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using (var db = database.Open()) await ReportDataGenerator.WriteAsync(db, ImpactRows.Rows(ImpactData.Generate(3000, 8), Tenant));
        var definition = ImpactData.Definition(ImpactData.V1);
        await using var services = Services(database, new DateTimeOffset(2026, 11, 30, 10, 0, 0, Jst));
        // Cancelled (the request aborted): it ends with the cancellation and leaves no reader waiting.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            services.GetRequiredService<ImpactReport>().ComputeAsync(Tenant, ImpactData.QuestionnaireId, definition, definition, 30, new CancellationToken(canceled: true)));
    }
}

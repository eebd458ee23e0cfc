using ChatSupport.IntegrationTests.Line;
using Microsoft.EntityFrameworkCore;

namespace ChatSupport.IntegrationTests.FollowUps;

/// <summary>Planning never invites a resident to a questionnaire the tenant does not offer (issue 13, point 10).</summary>
public sealed class OfferedQuestionnairePlanningTests
{
    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task ResidentsScheduledForAQuestionnaireNoLongerOffered_AreNotInvited_AndLeaveTheIndex(string provider)
    {
        // The tenant's list no longer has the city's questionnaire (the third entry replaced).
        await using var world = await FollowUpWorld.StartAsync(
            new Dictionary<string, string> { [$"Tenants:{LineTenant.Id}:Questionnaires:2"] = "covid19-followup" },
            database: await TestDatabase.CreateAsync(provider));
        var today = new DateOnly(2026, 11, 5);
        world.Clock.SetJst(today, 10, 0);
        var followUps = Enumerable.Range(31000, 5).Select(n => FollowUpWorld.Resident(FollowUpWorld.LineUser(n), today)).ToList();
        var city = Enumerable.Range(32000, 3).Select(n => FollowUpWorld.Resident(FollowUpWorld.LineUser(n), today, "daily", 1, "elderly-watch"))
            .Select(r => { r.FollowUpQuestionnaire = "elderly-watch"; return r; }).ToList();
        await world.SeedAsync([.. followUps, .. city]);

        var result = await world.PlanAsync();
        Assert.Equal(5, result.Residents);

        await using var db = world.Database.Open();
        Assert.Equal(["covid19-followup"], await db.FollowUpBatches.Select(b => b.Questionnaire).Distinct().ToListAsync());
        Assert.Equal(5, await db.FollowUpDeliveries.CountAsync());
        var cityIds = city.Select(r => r.Id).ToList();
        Assert.All(await db.Residents.Where(r => cityIds.Contains(r.Id)).ToListAsync(), r => Assert.Null(r.NextFollowUp));
        Assert.Equal(("nobody due", 0), ((await world.PlanAsync()).Outcome, await db.FollowUpDeliveries.CountAsync() - 5));
    }
}

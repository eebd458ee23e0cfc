using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatSupport.IntegrationTests.Security;
using ChatSupport.Questionnaires.Impact;
using ChatSupport.Tests.Impact;
using ChatSupport.Tests.Reports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static ChatSupport.IntegrationTests.Versions.VersionsWorld;

namespace ChatSupport.IntegrationTests.Versions;

/// <summary>
/// Issue 14: <c>POST /api/staff/questionnaires/{id}/versions/{v}/impact</c> over HTTP — the figures of a draft against
/// the published version on generated stored responses, checked against the replay of those responses done here; which
/// tenant's residents are replayed; refusals; the audit row.
/// </summary>
public sealed class ImpactApiTests
{
    private const string Q = ImpactData.QuestionnaireId;
    private static readonly TimeSpan Jst = TimeSpan.FromHours(9);
    /// <summary>As the host writes JSON: web names, no nulls.</summary>
    private static readonly JsonSerializerOptions HostJson = new(JsonSerializerOptions.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private static WebHost Host(VersionsWorld world, DateTimeOffset now) => new(world.Database, world.Folder, VersionsWorld.Id, new Dictionary<string, string>
    {
        ["Tenants:kanagawa:TimeZoneId"] = "Asia/Tokyo", ["Tenants:kanagawa:Reports:SmallCellThreshold"] = "10",
        ["Tenants:elsewhere:TimeZoneId"] = "Asia/Tokyo",
        ["Access:Keys:3:Name"] = "town-desk", ["Access:Keys:3:Role"] = "staff", ["Access:Keys:3:Tenant"] = "elsewhere",
        ["Access:Keys:3:Sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(TenantStaffKey))),
    }, services => services.AddSingleton<TimeProvider>(new TestClock(now)));

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task TheDraftsImpact_IsTheReplayOfTheTenantsStoredResponses_AndIsAudited(string provider)
    {
        await using var world = await CreateAsync(provider);
        File.WriteAllText(Path.Combine(world.Folder, Q + ".yaml"), ImpactData.V1); // seeded as published version 1 (shared)
        var generated = ImpactData.Generate(1200, 33).ToList();
        await using (var db = world.Database.Open())
        {
            await ReportDataGenerator.WriteAsync(db, ImpactRows.Rows(generated, "kanagawa"));
            await ReportDataGenerator.WriteAsync(db, ImpactRows.Rows(ImpactData.Generate(300, 34).Select(r => r with { ResidentId = "x" + r.ResidentId, Stored = r.Stored with { Id = "x" + r.Stored.Id } }), "elsewhere"));
        }
        await using var host = Host(world, new DateTimeOffset(2026, 11, 30, 10, 0, 0, Jst));
        var staff = Client(host, WebHost.StaffKey);
        var draft = await DraftAsync(staff, ImpactData.V2, id: Q, note: "37.5 → 38.0");
        Assert.Equal(2, (int)draft["version"]!);

        var response = await staff.PostAsync($"/api/staff/questionnaires/{Q}/versions/2/impact?days=20&tenant=kanagawa", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((2, 1, "kanagawa", "2026-11-11", "2026-11-30", 20),
            ((int)body["version"]!, (int)body["against"]!, (string)body["tenant"]!, (string)body["from"]!, (string)body["to"]!, (int)body["days"]!));

        // The same replay, done here over the generated responses of the period.
        var expected = new ImpactTally(ImpactData.Definition(ImpactData.V1), ImpactData.Definition(ImpactData.V2));
        foreach (var r in generated.Where(r => r.Stored.Date >= new DateOnly(2026, 11, 11))) expected.Add(r.Stored);
        Assert.InRange(expected.Responses, 700, 900);
        var want = JsonNode.Parse(JsonSerializer.Serialize(ImpactFigures.From(expected, 10), HostJson));
        Assert.True(JsonNode.DeepEquals(want, body["figures"]), $"figures differ:\n{want}\n{body["figures"]}");
        Assert.True((long)body["figures"]!["changed"]!["advice"]!["count"]! > 0);

        // The town's key replays the town's residents only (the shared questionnaire, its own tenant implied).
        var town = await (await Client(host, TenantStaffKey).PostAsync($"/api/staff/questionnaires/{Q}/versions/2/impact?days=20", null)).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("elsewhere", (string)town!["tenant"]!);
        Assert.Equal(300 - ImpactData.Generate(300, 34).Count(r => r.Stored.Date < new DateOnly(2026, 11, 11)), (long)town["figures"]!["responses"]!["count"]!);

        await using var check = world.Database.Open();
        var audit = await check.AuditLog.AsNoTracking().Where(a => a.Action == "questionnaire-impact").OrderBy(a => a.Id).ToListAsync();
        Assert.Equal([("desk", $"{Q}@v2", "against v1, tenant kanagawa, 20 days"), ("town-desk", $"{Q}@v2", "against v1, tenant elsewhere, 20 days")],
            audit.Select(a => (a.Actor, a.Subject, a.Details)));
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task ImpactRequests_ThatCannotBeAnswered_AreRefusedWithProblemDetails(string provider)
    {
        await using var world = await CreateAsync(provider);
        File.WriteAllText(Path.Combine(world.Folder, Q + ".yaml"), ImpactData.V1);
        await using var host = Host(world, new DateTimeOffset(2026, 11, 30, 10, 0, 0, Jst));
        var staff = Client(host, WebHost.StaffKey);
        await DraftAsync(staff, ImpactData.V2, id: Q);
        var broken = await DraftAsync(staff, ImpactData.V2.Replace("temperature >= 38.0", "temperatur >= 38.0", StringComparison.Ordinal), id: Q);
        Assert.False((bool)broken["valid"]!);

        async Task<(HttpStatusCode, JsonObject?)> Impact(HttpClient client, string query)
        {
            var response = await client.PostAsync($"/api/staff/questionnaires/{query}", null);
            var json = response.Content.Headers.ContentType?.MediaType == "application/problem+json" ? await response.Content.ReadFromJsonAsync<JsonObject>() : null;
            return (response.StatusCode, json);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await Impact(staff, $"{Q}/versions/2/impact")).Item1);                   // shared: which tenant?
        Assert.Equal(HttpStatusCode.BadRequest, (await Impact(staff, $"{Q}/versions/2/impact?tenant=kanagawa&days=0")).Item1);
        Assert.Equal(HttpStatusCode.BadRequest, (await Impact(staff, $"{Q}/versions/2/impact?tenant=kanagawa&days=367")).Item1);
        Assert.Equal(HttpStatusCode.NotFound, (await Impact(staff, $"{Q}/versions/2/impact?tenant=atlantis")).Item1);
        Assert.Equal(HttpStatusCode.NotFound, (await Impact(staff, $"{Q}/versions/9/impact?tenant=kanagawa")).Item1);
        Assert.Equal(HttpStatusCode.NotFound, (await Impact(staff, "no-such/versions/1/impact?tenant=kanagawa")).Item1);
        Assert.Equal(HttpStatusCode.Forbidden, (await Impact(Client(host, TenantStaffKey), $"{Q}/versions/2/impact?tenant=kanagawa")).Item1);
        Assert.Equal(HttpStatusCode.Forbidden, (await Impact(Client(host, WebHost.OfficialKey), $"{Q}/versions/2/impact?tenant=kanagawa")).Item1);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Impact(host.CreateClient(), $"{Q}/versions/2/impact?tenant=kanagawa")).Item1);
        var (status, problem) = await Impact(staff, $"{Q}/versions/3/impact?tenant=kanagawa");
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains(problem!["errors"]!.AsArray(), e => ((string)e!["message"]!).Contains("temperatur", StringComparison.Ordinal));

        // A questionnaire of its own with nothing published yet has nothing to compare with.
        var own = ImpactData.V1.Replace("id: impact-check", "id: town-check", StringComparison.Ordinal);
        await DraftAsync(Client(host, TenantStaffKey), own, id: "town-check");
        Assert.Equal(HttpStatusCode.Conflict, (await Impact(Client(host, TenantStaffKey), "town-check/versions/1/impact")).Item1);

        await using var db = world.Database.Open();
        Assert.Equal(0, await db.AuditLog.CountAsync(a => a.Action == "questionnaire-impact")); // refused requests report nothing
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using static ChatSupport.IntegrationTests.Versions.VersionsWorld;

namespace ChatSupport.IntegrationTests.Versions;

/// <summary>Issue 14: the staff API's edges: roles, tenant limits, bodies that are not text, too large, or empty.</summary>
public sealed class QuestionnaireApiTests
{
    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task BodiesThatAreNotYamlText_Are400_AndOversizedOnes413(string provider)
    {
        await using var world = await CreateAsync(provider);
        var host = world.Host(new Dictionary<string, string> { ["ChatSupport:MaxRequestBodyBytes"] = "4096" });
        var staff = Client(host, WebHost.StaffKey);

        var shiftJis = new ByteArrayContent([0x83, 0x65, 0x83, 0x58, 0x83, 0x67]); // 「テスト」 in Shift_JIS
        shiftJis.Headers.ContentType = new("text/yaml");
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.PostAsync("/api/staff/questionnaires/mini/drafts", shiftJis)).StatusCode);
        var binary = new ByteArrayContent([0x50, 0x4B, 0x03, 0x04]);
        binary.Headers.ContentType = new("application/octet-stream");
        var refused = await staff.PostAsync("/api/staff/questionnaires/mini/drafts", binary);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.PostAsync("/api/staff/questionnaires/mini/drafts", new StringContent("  \n", Encoding.UTF8, "text/yaml"))).StatusCode);
        var tooLarge = await staff.PostAsync("/api/staff/questionnaires/mini/drafts", new StringContent(Yaml("v2") + new string('#', 5000), Encoding.UTF8, "text/yaml"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.PostAsync("/api/staff/questionnaires/Not_An_Id/drafts", new StringContent(Yaml("v2"), Encoding.UTF8, "text/yaml"))).StatusCode);

        // None of them was saved; a plain-text body is.
        Assert.Single(await VersionsAsync(staff));
        var draft = await staff.PostAsync("/api/staff/questionnaires/mini/drafts", new StringContent(Yaml("v2"), Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.Created, draft.StatusCode);
        Assert.Equal("/api/staff/questionnaires/mini/versions/2", draft.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task Roles_AndTenantLimits_DecideWhoSeesAndChangesWhat(string provider)
    {
        await using var world = await CreateAsync(provider);
        var host = world.Host();
        var staff = Client(host, WebHost.StaffKey);
        var tenantStaff = Client(host, TenantStaffKey);

        Assert.Equal(HttpStatusCode.Unauthorized, (await host.CreateClient().GetAsync("/api/staff/questionnaires")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Client(host, WebHost.OfficialKey).GetAsync("/api/staff/questionnaires")).StatusCode);
        await DraftAsync(staff, Yaml("v2"));
        Assert.Equal(HttpStatusCode.Forbidden, (await PublishAsync(staff, 2)).StatusCode); // publishing is the administrators'

        // A tenant's own questionnaire, drafted with a key limited to it.
        var own = Yaml("v1").Replace("id: mini", "id: town-check", StringComparison.Ordinal);
        var created = await DraftAsync(tenantStaff, own, id: "town-check");
        Assert.True((bool)created["valid"]!);

        var list = (await staff.GetFromJsonAsync<JsonArray>("/api/staff/questionnaires"))!;
        (string, string?, int?, string)[] expected = [("mini", null, 1, "[2]"), ("town-check", "elsewhere", null, "[1]")];
        Assert.Equal(expected, list.Select(q => ((string)q!["id"]!, (string?)q["tenant"], (int?)q["published"], q["drafts"]!.ToJsonString())));
        // The tenant's key sees its own and the shared one, but changes only its own.
        Assert.Equal(["mini", "town-check"], (await tenantStaff.GetFromJsonAsync<JsonArray>("/api/staff/questionnaires"))!.Select(q => (string)q!["id"]!));
        Assert.Equal(HttpStatusCode.Forbidden, (await tenantStaff.PostAsync("/api/staff/questionnaires/mini/drafts", new StringContent(Yaml("v3"), Encoding.UTF8, "text/yaml"))).StatusCode);
        Assert.Equal(Yaml("v1"), await tenantStaff.GetStringAsync("/api/staff/questionnaires/mini/versions/published"));

        // Another tenant's key sees nothing of it.
        var neighbour = world.Host(new Dictionary<string, string>
        {
            ["Access:Keys:4:Name"] = "neighbour", ["Access:Keys:4:Role"] = "staff", ["Access:Keys:4:Tenant"] = "kanagawa",
            ["Access:Keys:4:Sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("neighbour-staff-key-0123456789"))),
        });
        var other = Client(neighbour, "neighbour-staff-key-0123456789");
        Assert.Equal(["mini"], (await other.GetFromJsonAsync<JsonArray>("/api/staff/questionnaires"))!.Select(q => (string)q!["id"]!));
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/api/staff/questionnaires/town-check/versions")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/api/staff/questionnaires/town-check/versions/1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync("/api/staff/questionnaires/town-check/drafts", new StringContent(own, Encoding.UTF8, "text/yaml"))).StatusCode);

        var yaml = await staff.GetAsync("/api/staff/questionnaires/mini/versions/2");
        Assert.Equal("text/yaml", yaml.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", yaml.Content.Headers.ContentType?.CharSet);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync("/api/staff/questionnaires/mini/versions/9")).StatusCode);
    }
}

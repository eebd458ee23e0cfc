using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ChatSupport.Persistence;
using Microsoft.EntityFrameworkCore;
using static ChatSupport.IntegrationTests.Versions.VersionsWorld;

namespace ChatSupport.IntegrationTests.Versions;

/// <summary>
/// Issue 14: questionnaires as versions in the database, on PostgreSQL and SQLite, through the real host over HTTP:
/// the seed import, drafts (invalid ones saved, refused at publish), publication reaching a second host within 5 s,
/// residents finishing on the version they started, rollback, and the second-person rule.
/// </summary>
public sealed class QuestionnaireVersionTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Updated = "質問の内容が新しくなりました";

    private static async Task<List<QuestionnaireVersionRow>> RowsAsync(TestDatabase database)
    {
        await using var db = database.Open();
        return await db.QuestionnaireVersions.AsNoTracking().OrderBy(v => v.Version).ToListAsync();
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task TheSeed_IsPublishedOnceOnAFreshDatabase_UnchangedFilesImportNothing_AndAChangedFileBecomesADraft(string provider)
    {
        await using var world = await CreateAsync(provider);
        // Two servers starting at once on a fresh database import version 1 once.
        var (a, b) = (world.Host(), world.Host());
        await Task.WhenAll(Task.Run(a.CreateClient), Task.Run(b.CreateClient));
        var rows = await RowsAsync(world.Database);
        var first = Assert.Single(rows);
        Assert.Equal((1, "published", true, "seed"), (first.Version, first.State, first.Valid, first.Author));
        Assert.Equal(Yaml("v1"), first.Source);

        // A restart with the same file imports nothing.
        await world.Host().CreateClient().GetAsync("/healthz");
        Assert.Single(await RowsAsync(world.Database));

        // A changed file is a draft beside the published version, which keeps serving.
        world.WriteFile(Yaml("v2"));
        var restarted = world.Host().CreateClient();
        rows = await RowsAsync(world.Database);
        Assert.Equal([(1, "published"), (2, "draft")], rows.Select(r => (r.Version, r.State)));
        Assert.Equal((int?)1, rows[1].ParentVersion);
        Assert.Contains(await StartAsync(restarted, "seed-resident"), t => t.Contains("最初の質問 v1"));

        // And again: still nothing new.
        await world.Host().CreateClient().GetAsync("/healthz");
        Assert.Equal(2, (await RowsAsync(world.Database)).Count);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task AnInvalidDraft_IsSavedWithItsErrors_ButCannotBePublished(string provider)
    {
        await using var world = await CreateAsync(provider);
        var host = world.Host();
        var staff = Client(host, WebHost.StaffKey);
        var broken = Yaml("v2").Replace("type: text\n    text: 二番目", "type: txet\n    text: 二番目", StringComparison.Ordinal);

        var draft = await DraftAsync(staff, broken, note: "typo");
        Assert.Equal((2, "draft", false), ((int)draft["version"]!, (string)draft["state"]!, (bool)draft["valid"]!));
        var error = Assert.Single(draft["errors"]!.AsArray())!;
        Assert.Equal("mini@v2", (string)error["file"]!);
        Assert.Equal(12, (int)error["line"]!);
        Assert.Contains("type", (string)error["field"]!);

        var refused = await PublishAsync(Client(host, WebHost.AdminKey), 2);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.NotEmpty((await refused.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsArray());
        Assert.Equal([(2, "draft"), (1, "published")], (await VersionsAsync(staff)).Select(v => ((int)v!["version"]!, (string)v["state"]!)));
        Assert.Equal(broken, await staff.GetStringAsync("/api/staff/questionnaires/mini/versions/2"));
        Assert.Contains(await StartAsync(host.CreateClient(), "r1"), t => t.Contains("最初の質問 v1"));
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task APublication_IsServedByASecondHost_WithinFiveSeconds(string provider)
    {
        await using var world = await CreateAsync(provider);
        var (hostA, hostB) = (world.Host(), world.Host());
        var residentsOfB = hostB.CreateClient();
        Assert.Contains(await WebHost.SayAsync(residentsOfB, "開始", "b-before"), t => t.Contains("同意しますか v1"));
        var draft = await DraftAsync(Client(hostA, WebHost.StaffKey), Yaml("v2"));
        Assert.True((bool)draft["valid"]!);

        var published = await PublishAsync(Client(hostA, WebHost.AdminKey), 2);
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        var clock = Stopwatch.StartNew();
        for (var probe = 0; ; probe++)
        {
            var replies = await WebHost.SayAsync(residentsOfB, "開始", $"b-probe-{probe}");
            if (replies.Any(t => t.Contains("同意しますか v2"))) break;
            Assert.Contains(replies, t => t.Contains("同意しますか v1"));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"host B still served version 1 after {clock.Elapsed}");
            await Task.Delay(50);
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
        output.WriteLine($"{provider}: host B served the publication {clock.Elapsed.TotalMilliseconds:F0} ms after host A answered it");
    }

    /// <summary>
    /// A notification sent while a server's listening connection is down is lost: the server reads the published
    /// versions again when it reconnects, so it still serves the publication within 5 s (not at the next slow poll).
    /// </summary>
    [Fact]
    public async Task AServerWhoseListeningConnectionWasCut_CatchesUpWithinFiveSeconds()
    {
        await using var world = await CreateAsync("postgres");
        var (hostA, hostB) = (world.Host(), world.Host());
        var residentsOfB = hostB.CreateClient();
        await DraftAsync(Client(hostA, WebHost.StaffKey), Yaml("v2"));
        var database = new Npgsql.NpgsqlConnectionStringBuilder(world.Database.ConnectionString).Database;
        await using (var admin = new Npgsql.NpgsqlConnection(world.Database.ConnectionString))
        {
            await admin.OpenAsync();
            // Once both hosts listen (polled with a deadline), cut both listeners.
            async Task<long> ListenersAsync(string select)
            {
                await using var command = new Npgsql.NpgsqlCommand($"SELECT {select} FROM pg_stat_activity WHERE datname = @db AND query LIKE 'LISTEN %'", admin);
                command.Parameters.AddWithValue("db", database!);
                return (long)(await command.ExecuteScalarAsync())!;
            }
            var listening = Stopwatch.StartNew();
            while (await ListenersAsync("count(*)") < 2)
            {
                Assert.True(listening.Elapsed < TimeSpan.FromSeconds(10), "the hosts did not start listening");
                await Task.Delay(50);
            }
            Assert.Equal(2L, await ListenersAsync("count(pg_terminate_backend(pid))"));
        }

        Assert.Equal(HttpStatusCode.OK, (await PublishAsync(Client(hostA, WebHost.AdminKey), 2)).StatusCode);
        var clock = Stopwatch.StartNew();
        for (var probe = 0; ; probe++)
        {
            if ((await WebHost.SayAsync(residentsOfB, "開始", $"b-probe-{probe}")).Any(t => t.Contains("同意しますか v2"))) break;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"host B still served version 1 after {clock.Elapsed}");
            await Task.Delay(50);
        }
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task AResidentMidQuestionnaire_FinishesOnTheVersionTheyStarted_WhileANewConversationGetsTheNewOne(string provider)
    {
        await using var world = await CreateAsync(provider);
        var host = world.Host();
        var residents = host.CreateClient();
        Assert.Contains(await StartAsync(residents, "midway"), t => t.Contains("最初の質問 v1"));
        Assert.Contains(await WebHost.SayAsync(residents, "一つ目", "midway"), t => t.Contains("二番目の質問 v1"));

        // Version 2 renames the second question: the midway resident could not go on with it.
        await DraftAsync(Client(host, WebHost.StaffKey), Yaml("v2", secondId: "second_renamed"));
        Assert.Equal(HttpStatusCode.OK, (await PublishAsync(Client(host, WebHost.AdminKey), 2)).StatusCode);

        Assert.Contains(await StartAsync(residents, "newcomer"), t => t.Contains("最初の質問 v2"));
        var finish = await WebHost.SayAsync(residents, "二つ目", "midway");
        Assert.DoesNotContain(finish, t => t.Contains(Updated));
        Assert.Contains(finish, t => t.Contains("おわり v1"));

        await using var db = world.Database.Open();
        var responses = await db.Responses.AsNoTracking().ToListAsync();
        var done = Assert.Single(responses, r => r.Status == "completed");
        Assert.Equal("v1", done.QuestionnaireVersion);
        Assert.Equal(["first", "second"], (await db.Answers.AsNoTracking().Where(x => x.ResponseId == done.Id).Select(x => x.QuestionId).ToListAsync()).Order());
        Assert.Contains(responses, r => r.Status != "completed" && r.QuestionnaireVersion == "v2");
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task ARollback_PublishesANewVersionCopyingTheEarlierOne_AndRewritesNoHistory(string provider)
    {
        await using var world = await CreateAsync(provider);
        var host = world.Host();
        var admin = Client(host, WebHost.AdminKey);
        await DraftAsync(Client(host, WebHost.StaffKey), Yaml("v2"));
        Assert.Equal(HttpStatusCode.OK, (await PublishAsync(admin, 2)).StatusCode);
        Assert.Contains(await StartAsync(host.CreateClient(), "r-v2"), t => t.Contains("最初の質問 v2"));
        var before = await RowsAsync(world.Database);

        var rollback = await PublishAsync(admin, 1);
        Assert.Equal(HttpStatusCode.OK, rollback.StatusCode);
        var row = (await rollback.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((3, "published", 1, "ops"), ((int)row["version"]!, (string)row["state"]!, (int)row["parent"]!, (string)row["author"]!));

        var after = await RowsAsync(world.Database);
        Assert.Equal([(1, "retired"), (2, "retired"), (3, "published")], after.Select(r => (r.Version, r.State)));
        Assert.Equal(after[0].Source, after[2].Source);
        Assert.Equal(after[0].ContentHash, after[2].ContentHash);
        // Versions 1 and 2 keep their source, author and times; only their state moved on.
        Assert.Equal(before.Select(r => (r.Version, r.Source, r.Author, r.CreatedAt, r.PublishedAt)), after.Take(2).Select(r => (r.Version, r.Source, r.Author, r.CreatedAt, r.PublishedAt)));
        Assert.Contains(await StartAsync(host.CreateClient(), "r-v3"), t => t.Contains("最初の質問 v1"));
        Assert.Equal(HttpStatusCode.Conflict, (await PublishAsync(admin, 3)).StatusCode); // already published

        var diff = (await admin.GetFromJsonAsync<JsonObject>("/api/staff/questionnaires/mini/versions/2/diff/3"))!;
        Assert.Equal((2, 3), ((int)diff["from"]!, (int)diff["to"]!));
        Assert.Contains(diff["lines"]!.AsArray(), l => (string)l!["kind"]! == "deleted" && ((string)l["text"]!).Contains("最初の質問 v2"));
        Assert.Contains(diff["lines"]!.AsArray(), l => (string)l!["kind"]! == "inserted" && ((string)l["text"]!).Contains("最初の質問 v1"));
        Assert.Contains(diff["lines"]!.AsArray(), l => (string)l!["kind"]! == "unchanged" && (string)l["text"]! == "questions:" && (int)l["oldLine"]! == 7 && (int)l["newLine"]! == 7);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task WithRequireSecondPerson_TheAuthorCannotPublishTheirOwnDraft_AnotherAdministratorCan(string provider)
    {
        await using var world = await CreateAsync(provider);
        var host = world.Host(new Dictionary<string, string> { ["Questionnaires:RequireSecondPerson"] = "true" });
        var author = Client(host, WebHost.AdminKey);
        await DraftAsync(author, Yaml("v2"));

        var own = await PublishAsync(author, 2);
        Assert.Equal(HttpStatusCode.Conflict, own.StatusCode);
        Assert.Contains("RequireSecondPerson", await own.Content.ReadAsStringAsync());
        Assert.Equal("draft", (await RowsAsync(world.Database))[1].State);

        var reviewed = await PublishAsync(Client(host, ReviewerKey), 2);
        Assert.Equal(HttpStatusCode.OK, reviewed.StatusCode);
        Assert.Equal("reviewer", (await RowsAsync(world.Database))[1].PublishedBy);

        await using var db = world.Database.Open();
        var audit = await db.AuditLog.AsNoTracking().Where(x => x.Action.StartsWith("questionnaire-")).OrderBy(x => x.Id).ToListAsync();
        Assert.Equal([("ops", "questionnaire-draft", "mini@v2"), ("reviewer", "questionnaire-publish", "mini@v2")], audit.Select(x => (x.Actor, x.Action, x.Subject)));
        Assert.DoesNotContain(audit, x => (x.Details ?? "").Contains("質問", StringComparison.Ordinal));
    }

    /// <summary>
    /// A tenant's own setting beats the host's (Tenants:{id}:Questionnaires:RequireSecondPerson beside the tenant's list
    /// of offered ids, which it does not join), and a publication that would stop the next start (a tenant offering the
    /// questionnaire but not the one its follow-ups now open) is refused.
    /// </summary>
    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task ATenantsOwnSecondPersonSetting_Applies_AndAPublicationThatWouldBreakATenantsListIsRefused(string provider)
    {
        await using var world = await CreateAsync(provider);
        const string townAdminKey = "town-admin-key-for-tests-3c4d5e6f";
        var host = world.Host(new Dictionary<string, string>
        {
            ["Questionnaires:RequireSecondPerson"] = "true",
            ["Tenants:town:Questionnaires:0"] = Id,
            ["Tenants:town:Questionnaires:RequireSecondPerson"] = "false",
            ["Access:Keys:5:Name"] = "town-admin", ["Access:Keys:5:Role"] = "admin", ["Access:Keys:5:Tenant"] = "town",
            ["Access:Keys:5:Sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(townAdminKey))),
        });
        var townAdmin = Client(host, townAdminKey);
        await DraftAsync(townAdmin, Yaml("t1").Replace($"id: {Id}", "id: town-check", StringComparison.Ordinal), id: "town-check");
        Assert.Equal(HttpStatusCode.OK, (await PublishAsync(townAdmin, 1, id: "town-check")).StatusCode);

        var followUp = Yaml("v2") + """
            follow_up:
              rules:
                - name: daily
                  questionnaire: town-check
                  every_days: 1

            """;
        var draft = await DraftAsync(Client(host, WebHost.AdminKey), followUp);
        Assert.True((bool)draft["valid"]!);
        var refused = await PublishAsync(Client(host, ReviewerKey), 2);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("Tenants:town:Questionnaires offers 'mini' but not 'town-check'", await refused.Content.ReadAsStringAsync());
        Assert.Equal("published", (await RowsAsync(world.Database)).Single(r => r.QuestionnaireId == Id && r.Version == 1).State);
    }
}

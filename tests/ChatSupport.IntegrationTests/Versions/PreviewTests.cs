using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ChatSupport.IntegrationTests.FollowUps;
using ChatSupport.IntegrationTests.Line;
using ChatSupport.Persistence;
using ChatSupport.Persistence.Residents;
using ChatSupport.Questionnaires;
using ChatSupport.Tests.Line;
using ChatSupport.Web.FollowUps;
using ChatSupport.Web.Questionnaires;
using ChatSupport.Web.Reports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ChatSupport.IntegrationTests.Versions;

/// <summary>
/// Issue 14, previews: a link that runs a draft on the chat page while residents get the published version, a code
/// that staff's allow-listed LINE account sends, and nothing of a preview counted, followed up, alerted or kept after
/// it expires.
/// </summary>
public sealed class PreviewTests
{
    /// <summary>One yes/no question whose "yes" is advised, escalated and followed up the next day; texts marked with <paramref name="mark"/>.</summary>
    private static string Mini(string mark) => $"""
        id: mini
        version: "{mark}"
        title: ミニ {mark}
        consent:
          version: "1"
          text: 同意しますか {mark}
        questions:
          - id: fever
            type: yes_no
            text: 熱はありますか {mark}
        advice:
          - group: main
            match: first
            rules:
              - category: consult
                when: fever
                message: 相談してください {mark}
              - category: fine
                message: 大丈夫です {mark}
        escalations:
          - category: call-now
            when: fever
        follow_up:
          rules:
            - name: daily
              when: fever
              questionnaire: mini
              every_days: 1
              prompt: 今日の体調は？ {mark}
        closing: おわり {mark}

        """;

    private sealed class World : IAsyncDisposable
    {
        private readonly TempFolder _folder;
        public required TestDatabase Database { get; init; }
        public required WebHost Host { get; init; }
        public required ShiftedClock Clock { get; init; }
        public LineApiMock? Mock { get; init; }
        public HttpClient Staff => VersionsWorld.Client(Host, WebHost.StaffKey);

        public static async Task<World> StartAsync(string provider, Func<LineApiMock?, Dictionary<string, string>>? settings = null, bool line = false)
        {
            var world0 = new TempFolder();
            File.WriteAllText(Path.Combine(world0.Path, "mini.yaml"), Mini("v1"));
            var database = await TestDatabase.CreateAsync(provider);
            var mock = line ? await LineApiMock.StartAsync(LineTenant.Token) : null;
            var clock = new ShiftedClock(); // moves with real time (the LINE inbox waits on it), shifted by hand
            var host = new WebHost(database, world0.Path, "mini", settings?.Invoke(mock) ?? [], s =>
            {
                s.RemoveAll<TimeProvider>();
                s.AddSingleton<TimeProvider>(clock);
            });
            _ = host.Server;
            return new World(world0) { Database = database, Host = host, Clock = clock, Mock = mock };
        }

        private World(TempFolder folder) => _folder = folder;

        /// <summary>Drafts <see cref="Mini"/>("v2") as version 2 and previews it: the API's answer.</summary>
        public async Task<(string Url, string Code, DateTimeOffset ExpiresAt)> PreviewDraftAsync(HttpRequestMessage? request = null)
        {
            var draft = await VersionsWorld.DraftAsync(Staff, Mini("v2"));
            Assert.True((bool)draft["valid"]!);
            Assert.Equal(2, (int)draft["version"]!);
            var response = await Staff.SendAsync(request ?? new HttpRequestMessage(HttpMethod.Post, "/api/staff/questionnaires/mini/versions/2/preview"));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            return ((string)body["url"]!, (string)body["code"]!, body["expiresAt"]!.GetValue<DateTimeOffset>());
        }

        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            if (Mock is not null) await Mock.DisposeAsync();
            await Database.DisposeAsync();
            _folder.Dispose();
        }
    }

    private static string TokenOf(string url) => url[(url.IndexOf("#preview=", StringComparison.Ordinal) + "#preview=".Length)..];

    /// <summary>What the chat page sends when it is opened with the preview link; the reply activities as they come back.</summary>
    private static async Task<JsonArray> OpenLinkAsync(HttpClient client, string token, string conversation)
    {
        var activity = WebHost.Activity("", conversation);
        activity.Remove("text");
        activity["value"] = new JsonObject { ["preview"] = token };
        var response = await client.PostAsJsonAsync("/api/messages", activity);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["activities"]!.AsArray();
    }

    private static List<string> Texts(JsonArray activities) => [.. activities.Select(a => (string?)a!["text"] ?? "")];

    private static string Pseudonym(WebHost host, string residentId) => host.Services.GetRequiredService<ResidentKeys>().Pseudonym(residentId);

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task PreviewLink_RunsTheDraftOnTheChatPage_WhileAResidentGetsThePublishedVersion_AndWritesNothingOfResidents(string provider)
    {
        await using var world = await World.StartAsync(provider);
        var client = world.Host.CreateClient();
        var (url, code, expiresAt) = await world.PreviewDraftAsync();
        Assert.StartsWith("/#preview=", url, StringComparison.Ordinal); // no ChatSupport:PublicBaseUrl: relative to this server
        Assert.Matches("^[0-9]{4}$", code);
        Assert.InRange(expiresAt - world.Clock.GetUtcNow(), TimeSpan.FromHours(24) - TimeSpan.FromMinutes(1), TimeSpan.FromHours(24));

        // The link opens the draft, with its banner (and what the page shows above the conversation).
        var opened = await OpenLinkAsync(client, TokenOf(url), "preview-conv");
        Assert.Contains("プレビュー：mini 第2版（住民には届きません）", Texts(opened)[0], StringComparison.Ordinal);
        var banner = opened[0]!["channelData"]!["preview"]!;
        Assert.Equal(("mini", 2), ((string)banner["questionnaire"]!, (int)banner["version"]!));
        Assert.Contains("同意しますか v2", Texts(opened));
        Assert.Contains("熱はありますか v2", await WebHost.SayAsync(client, "同意する", "preview-conv"));
        var previewEnd = await WebHost.SayAsync(client, "はい", "preview-conv");
        Assert.Contains(previewEnd, t => t.Contains("相談してください v2", StringComparison.Ordinal));

        // A resident at the same time gets the published version.
        Assert.Contains("同意しますか v1", await WebHost.SayAsync(client, "開始", "resident-conv"));
        Assert.Contains("熱はありますか v1", await WebHost.SayAsync(client, "同意する", "resident-conv"));
        Assert.Contains(await WebHost.SayAsync(client, "はい", "resident-conv"), t => t.Contains("相談してください v1", StringComparison.Ordinal));

        // A link that is not (or no longer) valid says so, and starts nothing in its place.
        Assert.Equal([PreviewTexts.LinkNotValid], Texts(await OpenLinkAsync(client, "not-a-token", "stranger-conv")));

        // Only the resident's response, answers, alert and follow-up are in the residents' tables.
        var resident = Pseudonym(world.Host, "webchat:user-resident-conv");
        await using var db = world.Database.Open();
        Assert.Equal([resident], await db.Responses.Select(r => r.ResidentId).ToListAsync());
        Assert.Equal([resident], await db.Answers.Select(a => a.ResidentId).Distinct().ToListAsync());
        Assert.Equal([resident], await db.StaffAlerts.Select(a => a.ResidentId).ToListAsync());
        Assert.Equal([resident], await db.Residents.Select(r => r.Id).ToListAsync());
        Assert.DoesNotContain(await db.StateDocuments.Select(d => d.Key).ToListAsync(), k => k.Contains("user-preview-conv", StringComparison.Ordinal));
        // Audited as publishing is: who, what, which version, when; never the token or the code.
        var audit = await db.AuditLog.SingleAsync(a => a.Action == "questionnaire-preview");
        Assert.Equal(("desk", "mini@v2"), (audit.Actor, audit.Subject));
        Assert.DoesNotContain(TokenOf(url), audit.Details ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain(code, audit.Details ?? "", StringComparison.Ordinal);
        // Only the token's hash is kept.
        var stored = await db.Set<PreviewRow>().SingleAsync();
        Assert.Equal(QuestionnairePreviews.Hash(TokenOf(url)), stored.TokenHash);
        Assert.DoesNotContain(world.Host.Logs, l => l.Contains(TokenOf(url), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task OnlyAVersionThatValidates_CanBePreviewed(string provider)
    {
        await using var world = await World.StartAsync(provider);
        var invalid = await VersionsWorld.DraftAsync(world.Staff, "id: mini\nquestions:\n  - id: fever\n    type: yes_no\n");
        Assert.False((bool)invalid["valid"]!);
        var refused = await world.Staff.PostAsync("/api/staff/questionnaires/mini/versions/2/preview", null);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await world.Staff.PostAsync("/api/staff/questionnaires/mini/versions/9/preview", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await VersionsWorld.Client(world.Host, WebHost.OfficialKey).PostAsync("/api/staff/questionnaires/mini/versions/1/preview", null)).StatusCode);
        // The published version can be previewed too.
        Assert.Equal(HttpStatusCode.Created, (await world.Staff.PostAsync("/api/staff/questionnaires/mini/versions/published/preview", null)).StatusCode);
        await using var db = world.Database.Open();
        Assert.Equal(["mini@v1"], await db.AuditLog.Where(a => a.Action == "questionnaire-preview").Select(a => a.Subject).ToListAsync());
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task AtExpiry_ThePreviewEnds_AndNothingOfItRemainsInAnyTable(string provider)
    {
        await using var world = await World.StartAsync(provider, _ => new() { ["ChatSupport:PublicBaseUrl"] = "https://chat.example.jp/" });
        var client = world.Host.CreateClient();
        // The link is built from the configured address, never from the request's Host header.
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/staff/questionnaires/mini/versions/2/preview");
        request.Headers.Host = "attacker.example";
        var (url, _, _) = await world.PreviewDraftAsync(request);
        Assert.StartsWith("https://chat.example.jp/#preview=", url, StringComparison.Ordinal);
        var token = TokenOf(url);
        const string Conversation = "preview-conv-7c41d2";
        Assert.Contains("同意しますか v2", Texts(await OpenLinkAsync(client, token, Conversation)));
        Assert.Contains("熱はありますか v2", await WebHost.SayAsync(client, "同意する", Conversation));
        Assert.Contains("熱はありますか v1", await VersionsWorld.StartAsync(client, "resident-conv"));
        string previewId;
        await using (var db = world.Database.Open()) previewId = (await db.Set<PreviewRow>().SingleAsync()).Id;

        world.Clock.Offset += TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1);
        // The conversation says the preview has ended (never the published questionnaire in its place); the link opens nothing.
        Assert.Equal([PreviewTexts.Ended], await WebHost.SayAsync(client, "はい", Conversation));
        Assert.Equal([PreviewTexts.LinkNotValid], Texts(await OpenLinkAsync(client, token, "another-conv")));

        var removed = await world.Host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<PreviewExpiry>().Single().RunAsync(CancellationToken.None);
        Assert.Equal((1, 1), (removed.Previews, removed.Conversations));
        await using (var db = world.Database.Open())
        {
            await DatabaseTraces.AssertNoneAsync(db, Conversation, previewId, QuestionnairePreviews.Hash(token), token);
            // The resident's conversation is untouched (the scan above did see rows), and the audit row stays.
            Assert.Contains("webchat/conversations/resident-conv", await db.StateDocuments.Select(d => d.Key).ToListAsync());
            Assert.Equal(1, await db.AuditLog.CountAsync(a => a.Action == "questionnaire-preview"));
        }
    }

    private const string StaffUser = "U0123456789abcdef0123456789abcdef";

    private static Dictionary<string, string> LineSettings(LineApiMock? mock) => LineTenant.Settings(mock!, new Dictionary<string, string>
    {
        [$"Tenants:{LineTenant.Id}:Line:PreviewUsers:0"] = StaffUser,
        [$"Tenants:{LineTenant.Id}:DefaultQuestionnaire"] = "mini",
    });

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task PreviewCode_InLine_OpensOnlyForTheAllowList_AndThePreviewIsNeitherCountedNorFollowedUpNorAlerted(string provider)
    {
        await using var world = await World.StartAsync(provider, LineSettings, line: true);
        var (_, code, _) = await world.PreviewDraftAsync();
        var http = world.Host.CreateClient();
        var staff = new LineResident(http, world.Mock!, userId: StaffUser);
        var outsider = new LineResident(http, world.Mock!);
        var resident = new LineResident(http, world.Mock!);

        // Someone not on the allow-list: the code is answered as any other text (the published questionnaire starts, as for "こんにちは").
        var neutral = Texts(await outsider.SayAsync(outsider.Text($"プレビュー {code}")));
        Assert.Contains("同意しますか v1", neutral);
        Assert.DoesNotContain(neutral, t => t.Contains("プレビュー", StringComparison.Ordinal) || t.Contains("v2", StringComparison.Ordinal));

        // Staff's own account, in full-width digits without a space: the draft, marked as a preview.
        var fullWidth = string.Concat(code.Select(c => (char)(c - '0' + '０')));
        var opened = Texts(await staff.SayAsync(staff.Text($"プレビュー{fullWidth}")));
        Assert.Contains(opened, t => t.Contains("プレビュー：mini 第2版（住民には届きません）", StringComparison.Ordinal));
        Assert.Contains("同意しますか v2", opened);
        Assert.Contains("熱はありますか v2", Texts(await staff.SayAsync(staff.Text("同意する"))));
        Assert.Contains(Texts(await staff.SayAsync(staff.Text("はい"))), t => t.Contains("相談してください v2", StringComparison.Ordinal));

        // A resident answers the same on the published version: counted, alerted, followed up (the barrier for what follows).
        await resident.SayAsync(resident.Text("こんにちは"));
        await resident.SayAsync(resident.Text("同意する"));
        Assert.Contains(Texts(await resident.SayAsync(resident.Text("はい"))), t => t.Contains("相談してください v1", StringComparison.Ordinal));
        var residentId = Pseudonym(world.Host, $"line:{LineTenant.Id}:{resident.UserId}");
        DateOnly day;
        DateOnly due;
        await using (var db = world.Database.Open())
        {
            Assert.Equal([residentId], await db.Responses.Select(r => r.ResidentId).ToListAsync());
            Assert.Equal([residentId], await db.StaffAlerts.Select(a => a.ResidentId).ToListAsync());
            Assert.Equal([residentId], await db.Residents.Where(r => r.NextFollowUp != null).Select(r => r.Id).ToListAsync());
            day = (await db.Responses.SingleAsync()).LocalDate!.Value;
            due = (await db.Residents.SingleAsync(r => r.Id == residentId)).NextFollowUp!.Value;
        }
        Assert.True(await world.Host.Services.GetRequiredService<AggregateDailyJob>().RunAsync(LineTenant.Id, day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None) > 0);
        await using (var db = world.Database.Open())
        {
            var completed = await db.DailyFigures.Where(f => f.QuestionnaireId == "mini" && f.Dimension == "all" && f.GroupKey == "" && f.Measure == "completed").SumAsync(f => f.Count);
            var started = await db.DailyFigures.Where(f => f.QuestionnaireId == "mini" && f.Dimension == "all" && f.GroupKey == "" && f.Measure == "started").SumAsync(f => f.Count);
            Assert.Equal((1L, 1L), (completed, started));
        }

        // Five wrong codes in ten minutes: even the right code is refused (neutrally) for ten minutes.
        var wrong = Enumerable.Range(1, 5).Select(n => ((int.Parse(code, System.Globalization.CultureInfo.InvariantCulture) + n) % 10000).ToString("D4", System.Globalization.CultureInfo.InvariantCulture));
        foreach (var w in wrong)
            Assert.DoesNotContain(Texts(await staff.SayAsync(staff.Text($"プレビュー {w}"))), t => t.Contains("第2版", StringComparison.Ordinal));
        Assert.DoesNotContain(Texts(await staff.SayAsync(staff.Text($"preview {code}"))), t => t.Contains("第2版", StringComparison.Ordinal));
        world.Clock.Offset += TimeSpan.FromMinutes(11);
        Assert.Contains(Texts(await staff.SayAsync(staff.Text($"preview {code}"))), t => t.Contains("第2版", StringComparison.Ordinal));

        // The next day's follow-ups: the resident only.
        world.Clock.Offset += new DateTimeOffset(due.ToDateTime(new TimeOnly(10, 0)), TimeSpan.FromHours(9)) - world.Clock.GetUtcNow();
        var plan = await world.Host.Services.GetRequiredService<PlanFollowUpsJob>().RunAsync(LineTenant.Id, 10 * 60, CancellationToken.None);
        Assert.Equal(1, plan.Residents);
        await using (var db = world.Database.Open())
            Assert.Equal([residentId], await db.FollowUpDeliveries.Select(d => d.ResidentId).Distinct().ToListAsync());
    }
}

using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace ChatSupport.IntegrationTests.Versions;

/// <summary>A questionnaires folder with one small questionnaire, hosts on a test database, and the staff API's calls.</summary>
internal sealed class VersionsWorld : IAsyncDisposable
{
    public const string Id = "mini";
    /// <summary>A second administrator (the first is <see cref="WebHost.AdminKey"/>, named <c>ops</c>).</summary>
    public const string ReviewerKey = "reviewer-admin-key-for-tests-4d5e6f";
    /// <summary>Staff limited to the tenant <c>elsewhere</c>.</summary>
    public const string TenantStaffKey = "tenant-staff-key-for-tests-9a8b7c";

    private readonly List<WebHost> _hosts = [];
    private readonly TempFolder _folder = new();

    private VersionsWorld(TestDatabase database) => Database = database;

    public TestDatabase Database { get; }
    public string Folder => _folder.Path;

    public static async Task<VersionsWorld> CreateAsync(string provider)
    {
        var world = new VersionsWorld(await TestDatabase.CreateAsync(provider));
        world.WriteFile(Yaml("v1"));
        return world;
    }

    /// <summary>Two free-text questions and a closing, each text marked with <paramref name="mark"/>; <paramref name="secondId"/> names the second question.</summary>
    public static string Yaml(string mark, string secondId = "second") => $"""
        id: {Id}
        version: "{mark}"
        title: ミニ {mark}
        consent:
          version: "1"
          text: 同意しますか {mark}
        questions:
          - id: first
            type: text
            text: 最初の質問 {mark}
          - id: {secondId}
            type: text
            text: 二番目の質問 {mark}
        closing: おわり {mark}

        """;

    /// <summary>Starts a conversation and consents; returns the replies to the consent (the first question).</summary>
    public static async Task<List<string>> StartAsync(HttpClient client, string conversation)
    {
        await WebHost.SayAsync(client, "開始", conversation);
        return await WebHost.SayAsync(client, "同意する", conversation);
    }

    public void WriteFile(string yaml) => File.WriteAllText(Path.Combine(Folder, Id + ".yaml"), yaml);

    public WebHost Host(IReadOnlyDictionary<string, string>? settings = null)
    {
        var all = new Dictionary<string, string>
        {
            ["Access:Keys:2:Name"] = "reviewer", ["Access:Keys:2:Role"] = "admin", ["Access:Keys:2:Sha256"] = Sha(ReviewerKey),
            ["Access:Keys:3:Name"] = "town-desk", ["Access:Keys:3:Role"] = "staff", ["Access:Keys:3:Tenant"] = "elsewhere", ["Access:Keys:3:Sha256"] = Sha(TenantStaffKey),
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string>()) all[k] = v;
        var host = new WebHost(Database, Folder, Id, all);
        _hosts.Add(host);
        return host;
    }

    private static string Sha(string key) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static HttpClient Client(WebHost host, string key)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public static async Task<JsonObject> DraftAsync(HttpClient client, string yaml, string id = Id, string? note = null)
    {
        var response = await client.PostAsync($"/api/staff/questionnaires/{id}/drafts" + (note is null ? "" : $"?note={Uri.EscapeDataString(note)}"),
            new StringContent(yaml, Encoding.UTF8, "text/yaml"));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public static Task<HttpResponseMessage> PublishAsync(HttpClient client, object version, string id = Id) =>
        client.PostAsync($"/api/staff/questionnaires/{id}/versions/{version}/publish", null);

    public static async Task<JsonArray> VersionsAsync(HttpClient client, string id = Id) =>
        (await client.GetFromJsonAsync<JsonArray>($"/api/staff/questionnaires/{id}/versions"))!;

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
        await Database.DisposeAsync();
        _folder.Dispose();
    }
}

using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using ChatSupport.Questionnaires;
using ChatSupport.Questionnaires.Loading;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatSupport.UnitTests.Cli;

/// <summary>
/// A stand-in for the server's staff questionnaire API on Kestrel at 127.0.0.1, answering as the contract of issue 14
/// says (docs in /work/wt/notes/i14.md): <c>POST /api/staff/questionnaires/{id}/drafts</c> checks the bearer key and
/// the body, checks the YAML with the real loader and answers 201 with the draft and its errors;
/// <c>GET …/{id}/versions/published</c> answers the stored YAML or 404. Every request is kept for the test to check.
/// </summary>
internal sealed class StaffApiStandIn : IAsyncDisposable
{
    public const string Key = "staff-key-for-the-cli-tests";
    private static readonly string[] YamlTypes = ["text/yaml", "application/yaml", "text/plain"];

    public sealed record Request(string Method, string Path, string Query, string? ContentType, string? Authorization, byte[] Body);

    private readonly WebApplication _app;
    private readonly TempDirectory _drafts = new();
    private int _versions;

    private StaffApiStandIn(WebApplication app) => _app = app;

    public ConcurrentQueue<Request> Requests { get; } = new();

    /// <summary>Published YAML by questionnaire id, as <c>GET …/versions/published</c> serves it.</summary>
    public ConcurrentDictionary<string, byte[]> Published { get; } = new();

    /// <summary>When set, answers every request instead of the contract (a redirect, a server error).</summary>
    public Func<HttpContext, Task>? Override { get; set; }

    public string Url => _app.Urls.First();

    public static async Task<StaffApiStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new StaffApiStandIn(app);
        app.Run(standIn.AnswerAsync);
        await app.StartAsync();
        return standIn;
    }

    private async Task AnswerAsync(HttpContext http)
    {
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body);
        var request = new Request(http.Request.Method, http.Request.Path.Value ?? "", http.Request.QueryString.Value ?? "",
            http.Request.ContentType, http.Request.Headers.Authorization.ToString(), body.ToArray());
        Requests.Enqueue(request);
        if (Override is { } answer) { await answer(http); return; }
        if (request.Authorization != "Bearer " + Key) { await Problem(http, 401, "Unauthorized"); return; }

        var segments = request.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is ["api", "staff", "questionnaires", var id, "drafts"] && request.Method == "POST")
            await DraftAsync(http, Uri.UnescapeDataString(id), request);
        else if (segments is ["api", "staff", "questionnaires", var pulled, "versions", "published"] && request.Method == "GET")
        {
            if (!Published.TryGetValue(Uri.UnescapeDataString(pulled), out var yaml)) { await Problem(http, 404, "No published version"); return; }
            http.Response.ContentType = "text/yaml; charset=utf-8";
            await http.Response.Body.WriteAsync(yaml);
        }
        else await Problem(http, 404, "Not Found");
    }

    private async Task DraftAsync(HttpContext http, string id, Request request)
    {
        if (!YamlTypes.Any(t => request.ContentType?.StartsWith(t, StringComparison.Ordinal) == true)) { await Problem(http, 415, "Unsupported Media Type"); return; }
        string text;
        try { text = new UTF8Encoding(false, true).GetString(request.Body); }
        catch (DecoderFallbackException) { await Problem(http, 400, "The body is not UTF-8 text", "Save the file as UTF-8."); return; }
        if (text.Trim().Length == 0) { await Problem(http, 400, "The body is empty"); return; }

        // The server checks a draft with the same loader as `chatsupport validate`; it names the file by the id.
        var path = _drafts.File(id + ".yaml", text);
        IReadOnlyList<LoadError> errors = [];
        try { QuestionnaireCatalog.Load(path); }
        catch (QuestionnaireLoadException e) { errors = e.Errors; }
        http.Response.StatusCode = 201;
        await http.Response.WriteAsJsonAsync(new
        {
            id,
            version = Interlocked.Increment(ref _versions),
            state = "draft",
            valid = errors.Count == 0,
            hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(request.Body)),
            errors = errors.Select(e => new { file = $"{id}.yaml", line = e.Line, column = e.Column, field = e.Field, message = e.Message }),
        });
    }

    private static async Task Problem(HttpContext http, int status, string title, string? detail = null)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/problem+json";
        await http.Response.WriteAsync(JsonSerializer.Serialize(new { type = "about:blank", title, status, detail }));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _drafts.Dispose();
    }
}

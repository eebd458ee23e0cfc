using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ChatSupport.Cli.Remote;

/// <summary>
/// The two calls of the staff questionnaire API the CLI makes (<c>POST …/{id}/drafts</c>, <c>GET …/{id}/versions/published</c>),
/// to the server given and nowhere else: redirects are not followed (they would carry the key and the file elsewhere)
/// and plain http is refused except to this machine.
/// </summary>
internal sealed class StaffApiClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;
    private readonly Uri _server;

    private StaffApiClient(Uri server, string key)
    {
        _server = server;
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = !server.IsLoopback })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
    }

    /// <summary>A client for <paramref name="server"/>, or a <see cref="RemoteException"/> saying why that URL is not used.</summary>
    public static StaffApiClient For(string server, string? key)
    {
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Host.Length == 0)
            throw new RemoteException($"--server '{server}' is not a URL; give the ChatSupport server's address, e.g. https://chatsupport.example.jp.");
        if (uri.Scheme == "http" && !uri.IsLoopback)
            throw new RemoteException($"--server '{server}' is plain http: the staff key and the questionnaire would cross the network unencrypted. Use https (http is accepted only for this machine, e.g. http://localhost:5080).");
        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.UserInfo))
            throw new RemoteException($"--server '{server}' has a query or a user name; give only the server's address.");
        if (string.IsNullOrWhiteSpace(key))
            throw new RemoteException("Set the environment variable CHATSUPPORT_KEY to your staff key (it is read only from there, never from the command line, where others could see it).");
        return new StaffApiClient(uri, key.Trim());
    }

    public async Task<DraftResult> PushDraftAsync(string id, byte[] yaml, string? note, CancellationToken ct = default)
    {
        var path = $"api/staff/questionnaires/{Uri.EscapeDataString(id)}/drafts" + (note is null ? "" : "?note=" + Uri.EscapeDataString(note));
        using var content = new ByteArrayContent(yaml);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/yaml") { CharSet = "utf-8" };
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, Url(path)) { Content = content }, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Created)
            return await response.Content.ReadFromJsonAsync<DraftResult>(Json, ct).ConfigureAwait(false)
                ?? throw new RemoteException("The server answered 201 without a draft.");
        if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge)
            throw new RemoteException(await ProblemAsync(response, ct).ConfigureAwait(false), invalidInput: true);
        throw await FailureAsync(response, $"push {id}", ct).ConfigureAwait(false);
    }

    /// <summary>The published version's YAML exactly as stored, or null when the questionnaire has none.</summary>
    public async Task<byte[]?> PullPublishedAsync(string id, CancellationToken ct = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, Url($"api/staff/questionnaires/{Uri.EscapeDataString(id)}/versions/published")), ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.OK) return await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        throw await FailureAsync(response, $"pull {id}", ct).ConfigureAwait(false);
    }

    private Uri Url(string path) => new(new Uri(_server.AbsoluteUri.TrimEnd('/') + "/"), path);

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using (request)
        {
            try
            {
                return await _http.SendAsync(request, ct).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw new RemoteException($"Could not reach {_server.GetLeftPart(UriPartial.Authority)}: {e.Message}");
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new RemoteException($"{_server.GetLeftPart(UriPartial.Authority)} did not answer within {_http.Timeout.TotalSeconds:0} seconds.");
            }
        }
    }

    private static async Task<RemoteException> FailureAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var reason = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => "the key in CHATSUPPORT_KEY was not accepted (missing, wrong or revoked)",
            HttpStatusCode.Forbidden => "the key in CHATSUPPORT_KEY may not do this (drafts and reading need a staff key, of this questionnaire's tenant)",
            HttpStatusCode.NotFound => "not found: is this the ChatSupport server's address, and does it have the questionnaire API?",
            >= HttpStatusCode.Ambiguous and < HttpStatusCode.BadRequest => $"the server redirects to {response.Headers.Location}; not followed (the key would go there too). Give that address with --server if it is the right one",
            _ => await ProblemAsync(response, ct).ConfigureAwait(false),
        };
        return new RemoteException($"{what}: the server answered {status}: {reason}.");
    }

    /// <summary>The <c>detail</c> (else <c>title</c>) of a problem details answer, else its status text.</summary>
    private static async Task<string> ProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
            foreach (var name in (string[])["detail", "title"])
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var p) && p.GetString() is { Length: > 0 } text)
                    return text.TrimEnd('.');
        }
        catch (JsonException)
        {
            // Not problem details: the status says enough.
        }
        return response.ReasonPhrase ?? response.StatusCode.ToString();
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>The server's answer to a pushed draft (the API contract's 201 body).</summary>
internal sealed record DraftResult(string Id, int Version, string State, bool Valid, string? Hash, IReadOnlyList<DraftError>? Errors);

internal sealed record DraftError(string? File, int Line, int Column, string? Field, string Message);

/// <summary>A push or pull that did not get an answer to act on: exit code 2 (or 1 for a file the server would not take).</summary>
internal sealed class RemoteException(string message, bool invalidInput = false) : Exception(message)
{
    public bool InvalidInput { get; } = invalidInput;
}

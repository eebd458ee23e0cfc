using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatSupport.Tests.Line;

/// <summary>One request the mock received, with the status it answered (200/202 = accepted).</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, JsonNode? Body, int Status, DateTimeOffset At);

/// <summary>
/// A stand-in for LINE's Messaging API on loopback (real HTTP through Kestrel). Request bodies are checked against LINE's
/// messaging-api.yml; reply tokens are single-use; X-Line-Retry-Key is honoured as LINE does (409 for a key already
/// accepted). Everything it receives is recorded, rejected requests too.
/// </summary>
public sealed class LineApiMock : IAsyncDisposable
{
    private const string Push = "/v2/bot/message/push", Multicast = "/v2/bot/message/multicast", Reply = "/v2/bot/message/reply";
    private const string Loading = "/v2/bot/chat/loading/start", Quota = "/v2/bot/message/quota", Consumption = "/v2/bot/message/quota/consumption";
    private const string ProfilePrefix = "/v2/bot/profile/";

    private static readonly Dictionary<string, string> RequestSchemas = new()
    {
        [Reply] = "ReplyMessageRequest", [Push] = "PushMessageRequest", [Multicast] = "MulticastRequest", [Loading] = "ShowLoadingAnimationRequest",
    };

    private readonly WebApplication _app;
    private readonly HashSet<string> _tokens;
    private readonly Lock _gate = new();
    private readonly List<(long Order, RecordedRequest Request)> _requests = [];
    private readonly List<string> _violations = [];
    private readonly Dictionary<string, Queue<(int Status, TimeSpan? RetryAfter)>> _failures = [];
    private readonly HashSet<string> _usedReplyTokens = [];
    private readonly Dictionary<string, string> _acceptedRetryKeys = []; // retry key → request id that accepted it
    private readonly List<(Func<RecordedRequest, bool> Match, TaskCompletionSource<RecordedRequest> Done)> _waiters = [];
    private long _arrivals;
    private long _messageIds = 580000000000000000;
    private long _totalUsage;

    private LineApiMock(WebApplication app, IEnumerable<string> tokens) => (_app, _tokens) = (app, [.. tokens]);

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Added latency per request.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Latency after a push or multicast was accepted (LINE delivered it) and before the answer: a sender that dies meanwhile never hears of it.</summary>
    public TimeSpan AcceptedAnswerDelay { get; set; }

    /// <summary>Latency after a reply was accepted (its token is spent) and before the answer: a sender killed meanwhile never hears of it.</summary>
    public TimeSpan AcceptedReplyAnswerDelay { get; set; }

    /// <summary>How many accepted pushes and multicasts reached each user: LINE delivers exactly these.</summary>
    public Dictionary<string, int> Deliveries()
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var r in Requests.Where(r => r.Status == 200 && r.Path is Push or Multicast))
            foreach (var to in r.Path == Push ? [(string)r.Body!["to"]!] : r.Body!["to"]!.AsArray().Select(t => (string)t!))
                counts[to] = counts.GetValueOrDefault(to) + 1;
        return counts;
    }

    public IReadOnlyList<RecordedRequest> Requests
    {
        get { lock (_gate) return [.. _requests.OrderBy(r => r.Order).Select(r => r.Request)]; }
    }

    /// <summary>"METHOD path: errors" for every request body that broke the spec. Tests assert this is empty.</summary>
    public IReadOnlyList<string> SpecViolations
    {
        get { lock (_gate) return [.. _violations]; }
    }

    public static async Task<LineApiMock> StartAsync(params string[] validAccessTokens)
    {
        if (validAccessTokens.Length == 0) throw new ArgumentException("Give the channel access tokens the mock accepts.", nameof(validAccessTokens));
        _ = LineSpecs.MessagingApi; // load the spec now, not inside the first (timed) request
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear(); // no appsettings or ASPNETCORE_* of the machine running the tests
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var mock = new LineApiMock(app, validAccessTokens);
        app.Run(mock.HandleAsync);
        await app.StartAsync();
        mock.BaseUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return mock;
    }

    /// <summary>The next <paramref name="times"/> requests to <paramref name="path"/> get <paramref name="status"/>, before any other check.</summary>
    public void FailNext(string path, int status, int times = 1, TimeSpan? retryAfter = null)
    {
        lock (_gate)
        {
            if (!_failures.TryGetValue(path, out var queue)) _failures[path] = queue = new();
            for (var i = 0; i < times; i++) queue.Enqueue((status, retryAfter));
        }
    }

    /// <summary>The first accepted request matching <paramref name="match"/>, already received or still to come.</summary>
    public async Task<RecordedRequest> WaitForAsync(Func<RecordedRequest, bool> match, TimeSpan timeout)
    {
        var waiter = (match, new TaskCompletionSource<RecordedRequest>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_gate)
        {
            var seen = _requests.OrderBy(r => r.Order).Select(r => r.Request).FirstOrDefault(r => IsAccepted(r.Status) && match(r));
            if (seen is not null) return seen;
            _waiters.Add(waiter);
        }
        try
        {
            return await waiter.Item2.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            lock (_gate) _waiters.Remove(waiter);
            var received = string.Join(", ", Requests.Select(r => $"{r.Method} {r.Path} → {r.Status}"));
            throw new TimeoutException($"No matching accepted request within {timeout}. Received: {(received.Length > 0 ? received : "nothing")}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate) foreach (var (_, done) in _waiters) done.TrySetCanceled();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static bool IsAccepted(int status) => status is >= 200 and < 300;

    private sealed record Answer(int Status, JsonNode? Body, params (string Name, string Value)[] Headers);

    private async Task HandleAsync(HttpContext http)
    {
        var order = Interlocked.Increment(ref _arrivals);
        var at = DateTimeOffset.UtcNow;
        var requestId = Guid.NewGuid().ToString();
        var text = await new StreamReader(http.Request.Body).ReadToEndAsync(http.RequestAborted);
        if (Delay > TimeSpan.Zero) await Task.Delay(Delay, http.RequestAborted);

        var (body, bodyIsJson) = Parse(text);
        var request = http.Request;
        var answer = Decide(request.Method, request.Path.Value ?? "", request.Headers, body, bodyIsJson, requestId);

        var recorded = new RecordedRequest(request.Method, request.Path.Value ?? "",
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body, answer.Status, at);
        lock (_gate)
        {
            _requests.Add((order, recorded)); // before the response goes out, so a caller that got it sees the record
            if (IsAccepted(answer.Status))
                foreach (var waiter in _waiters.Where(w => w.Match(recorded)).ToList())
                {
                    _waiters.Remove(waiter);
                    waiter.Done.TrySetResult(recorded);
                }
        }

        if (answer.Status == 200 && request.Path.Value is Push or Multicast && AcceptedAnswerDelay > TimeSpan.Zero)
        {
            try { await Task.Delay(AcceptedAnswerDelay, http.RequestAborted); }
            catch (OperationCanceledException) { return; } // the sender is gone: LINE delivered, nobody heard
        }
        if (answer.Status == 200 && request.Path.Value is Reply && AcceptedReplyAnswerDelay > TimeSpan.Zero)
        {
            try { await Task.Delay(AcceptedReplyAnswerDelay, http.RequestAborted); }
            catch (OperationCanceledException) { return; }
        }
        http.Response.StatusCode = answer.Status;
        http.Response.Headers["x-line-request-id"] = requestId;
        foreach (var (name, value) in answer.Headers) http.Response.Headers[name] = value;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync((answer.Body ?? new JsonObject()).ToJsonString());
    }

    private static (JsonNode? Body, bool IsJson) Parse(string text)
    {
        if (text.Length == 0) return (null, true);
        try { return (JsonNode.Parse(text), true); }
        catch (JsonException) { return (JsonValue.Create(text), false); }
    }

    private Answer Decide(string method, string path, IHeaderDictionary headers, JsonNode? body, bool bodyIsJson, string requestId)
    {
        if (TakeFailure(path) is { } failure) return failure;
        var route = (method, path) switch
        {
            ("POST", Reply or Push or Multicast or Loading) or ("GET", Quota or Consumption) => path,
            ("GET", _) when path.StartsWith(ProfilePrefix, StringComparison.Ordinal) && path.Length > ProfilePrefix.Length => ProfilePrefix,
            _ => null,
        };
        if (route is null) return Error(404, "Not found");

        var authorization = headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || !_tokens.Contains(authorization["Bearer ".Length..]))
            return Error(401, "Authentication failed. Confirm that the access token in the authorization header is valid.");

        var retryKey = route is Push or Multicast && headers.TryGetValue("X-Line-Retry-Key", out var key) ? key.ToString() : null;
        if (retryKey is not null && !Guid.TryParseExact(retryKey, "D", out _))
            return Error(400, "The value of the X-Line-Retry-Key header is invalid");

        if (RequestSchemas.TryGetValue(route, out var schema) && CheckBody(method, path, schema, body, bodyIsJson) is { } invalid) return invalid;

        return route switch
        {
            Reply => AcceptReply(body!),
            Push or Multicast => AcceptSend(route, body!, retryKey, requestId),
            Loading => new Answer(202, new JsonObject()),
            Quota => new Answer(200, new JsonObject { ["type"] = "none" }),
            Consumption => new Answer(200, new JsonObject { ["totalUsage"] = Interlocked.Read(ref _totalUsage) }),
            _ => Profile(path[ProfilePrefix.Length..]),
        };
    }

    private Answer? TakeFailure(string path)
    {
        lock (_gate)
        {
            if (!_failures.TryGetValue(path, out var queue) || !queue.TryDequeue(out var failure)) return null;
            return failure.Status switch
            {
                429 => new Answer(429, Message("The API rate limit has been exceeded. Try again later."),
                    failure.RetryAfter is { } wait ? [("Retry-After", ((int)Math.Ceiling(wait.TotalSeconds)).ToString())] : []),
                500 => Error(500, "Internal error"),
                var status => Error(status, ReasonPhrases.GetReasonPhrase(status)),
            };
        }
    }

    private Answer? CheckBody(string method, string path, string schema, JsonNode? body, bool bodyIsJson)
    {
        var problems = bodyIsJson
            ? LineSpecs.MessagingApi.Violations(schema, body).Select(v => (Text: v.ToString(), Detail: new JsonObject
            {
                ["message"] = $"{v.Message} ({v.Schema}: {v.Keyword})",
                ["property"] = Regex.Replace(v.Path, @"^\$\.?", ""),
            })).ToList()
            : [("$: not JSON", new JsonObject { ["message"] = "The request body is not valid JSON" })];
        if (problems.Count == 0) return null;
        lock (_gate) _violations.Add($"{method} {path}: {string.Join("; ", problems.Select(p => p.Text))}");
        return new Answer(400, new JsonObject
        {
            ["message"] = $"The request body has {problems.Count} error(s)",
            ["details"] = new JsonArray([.. problems.Select(p => (JsonNode)p.Detail)]),
        });
    }

    private Answer AcceptReply(JsonNode body)
    {
        lock (_gate)
            if (!_usedReplyTokens.Add(body["replyToken"]!.GetValue<string>())) return Error(400, "Invalid reply token");
        return new Answer(200, SentMessages(body));
    }

    private Answer AcceptSend(string route, JsonNode body, string? retryKey, string requestId)
    {
        lock (_gate)
        {
            if (retryKey is not null && _acceptedRetryKeys.TryGetValue(retryKey, out var accepted))
                return new Answer(409, Message("The retry key is already accepted"), ("x-line-accepted-request-id", accepted));
            if (retryKey is not null) _acceptedRetryKeys[retryKey] = requestId;
        }
        // Quota counts one message per recipient, whatever the number of message objects.
        Interlocked.Add(ref _totalUsage, route == Push ? 1 : body["to"]!.AsArray().Count);
        return new Answer(200, route == Push ? SentMessages(body) : new JsonObject());
    }

    private JsonObject SentMessages(JsonNode body) => new()
    {
        ["sentMessages"] = new JsonArray([.. body["messages"]!.AsArray().Select(m => (JsonNode)new JsonObject
        {
            ["id"] = Interlocked.Increment(ref _messageIds).ToString(),
            ["quoteToken"] = Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('='),
        })]),
    };

    private static Answer Profile(string userId) => Regex.IsMatch(userId, "^U[0-9a-f]{32}$")
        ? new Answer(200, new JsonObject
        {
            ["displayName"] = "Test user " + userId[^4..],
            ["userId"] = userId,
            ["pictureUrl"] = $"https://profile.example.com/{userId}.jpg",
            ["statusMessage"] = "Hello, LINE!",
            ["language"] = "ja",
        })
        : Error(404, "Not found");

    private static Answer Error(int status, string message) => new(status, Message(message));

    private static JsonObject Message(string message) => new() { ["message"] = message };
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace ChatSupport.Tests.Line;

/// <summary>The mock LINE Messaging API behaves as LINE does, over real HTTP.</summary>
public sealed class LineApiMockTests : IAsyncLifetime
{
    private const string Token = "channel-access-token-1";
    private const string UserA = "U677bc8ec4ed6c1156ed2deb4a859c11b", UserB = "U0ec8d1f8035dc3be92dc5bd38db8cfa5";
    private LineApiMock _line = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _line = await LineApiMock.StartAsync(Token, "channel-access-token-2");
        _http = new HttpClient { BaseAddress = _line.BaseUrl };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _line.DisposeAsync();
    }

    [Fact]
    public async Task Push_IsAcceptedAndRecorded_WhenTokenAndBodyAreValid()
    {
        var response = await SendAsync("/v2/bot/message/push", PushBody(UserA), retryKey: Guid.NewGuid().ToString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(Guid.TryParse(response.Headers.GetValues("x-line-request-id").Single(), out _));
        var body = await JsonAsync(response);
        Assert.Empty(LineSpecs.MessagingApi.Validate("PushMessageResponse", body));
        var recorded = Assert.Single(_line.Requests);
        Assert.Equal(("POST", "/v2/bot/message/push", 200), (recorded.Method, recorded.Path, recorded.Status));
        Assert.Equal("Bearer " + Token, recorded.Headers["authorization"]);
        Assert.Equal(UserA, (string?)recorded.Body!["to"]);
        Assert.Empty(_line.SpecViolations);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer someone-elses-token")]
    [InlineData(Token)]
    public async Task Request_Is401_WhenBearerTokenIsMissingOrUnknown(string? authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v2/bot/message/quota");
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);

        var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Authentication failed", (string?)(await JsonAsync(response))["message"]);
        Assert.True(response.Headers.Contains("x-line-request-id"));
        Assert.Equal(401, Assert.Single(_line.Requests).Status);
    }

    [Fact]
    public async Task Push_Is400WithLineErrorShape_WhenBodyBreaksTheSpec()
    {
        var body = PushBody(UserA);
        body["messages"]![0]!.AsObject().Remove("text");

        var response = await SendAsync("/v2/bot/message/push", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await JsonAsync(response);
        Assert.Empty(LineSpecs.MessagingApi.Validate("ErrorResponse", error));
        Assert.Equal("The request body has 1 error(s)", (string?)error["message"]);
        Assert.Equal("messages[0].text", (string?)error["details"]![0]!["property"]);
        var violation = Assert.Single(_line.SpecViolations);
        Assert.StartsWith("POST /v2/bot/message/push: $.messages[0].text: required property is missing", violation);
        Assert.Equal(400, Assert.Single(_line.Requests).Status);
    }

    [Fact]
    public async Task Reply_Is400_WhenReplyTokenWasAlreadyUsed()
    {
        var first = await SendAsync("/v2/bot/message/reply", ReplyBody("token-a"));
        var again = await SendAsync("/v2/bot/message/reply", ReplyBody("token-a"));
        var other = await SendAsync("/v2/bot/message/reply", ReplyBody("token-b"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Empty(LineSpecs.MessagingApi.Validate("ReplyMessageResponse", await JsonAsync(first)));
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal("Invalid reply token", (string?)(await JsonAsync(again))["message"]);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal([200, 400, 200], _line.Requests.Select(r => r.Status));
    }

    [Fact]
    public async Task Reply_KeepsToken_WhenRequestIsRejected()
    {
        var invalid = ReplyBody("token-a");
        invalid["messages"]![0]!["type"] = "hologram";

        var rejected = await SendAsync("/v2/bot/message/reply", invalid);
        var accepted = await SendAsync("/v2/bot/message/reply", ReplyBody("token-a"));

        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Single(_line.SpecViolations);
    }

    [Fact]
    public async Task Push_Is400_WhenRetryKeyIsNotAUuid()
    {
        var response = await SendAsync("/v2/bot/message/push", PushBody(UserA), retryKey: "retry-1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(400, Assert.Single(_line.Requests).Status);
    }

    [Theory]
    [InlineData("/v2/bot/message/push")]
    [InlineData("/v2/bot/message/multicast")]
    public async Task Send_Is409WithAcceptedRequestId_WhenRetryKeyWasAccepted(string path)
    {
        var key = Guid.NewGuid().ToString();
        JsonObject Body() => path.EndsWith("push") ? PushBody(UserA) : MulticastBody(UserA, UserB);

        var first = await SendAsync(path, Body(), key);
        var retry = await SendAsync(path, Body(), key);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, retry.StatusCode);
        Assert.Equal(first.Headers.GetValues("x-line-request-id").Single(), retry.Headers.GetValues("x-line-accepted-request-id").Single());
        Assert.Equal("The retry key is already accepted", (string?)(await JsonAsync(retry))["message"]);
        Assert.Single(_line.Requests, r => r.Status == 200);
    }

    [Fact]
    public async Task Push_AcceptsRetryKeyOnce_WhenRetriesRace()
    {
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => SendAsync("/v2/bot/message/push", PushBody(UserA), key)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
    }

    [Fact]
    public async Task Push_Is400AndRecordedAsViolation_WhenBodyIsNotJson()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v2/bot/message/push") { Content = new StringContent("{not json", Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);

        var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Single(_line.SpecViolations);
    }

    [Fact]
    public async Task FailNext_Serves429WithRetryAfterThen500_WithoutConsumingRetryKeyOrReplyToken()
    {
        var key = Guid.NewGuid().ToString();
        _line.FailNext("/v2/bot/message/push", 429, 1, TimeSpan.FromSeconds(1));
        _line.FailNext("/v2/bot/message/reply", 500, times: 2);

        var limited = await SendAsync("/v2/bot/message/push", PushBody(UserA), key);
        var pushed = await SendAsync("/v2/bot/message/push", PushBody(UserA), key);
        var unauthenticated = await _http.PostAsync("/v2/bot/message/reply", Json(ReplyBody("token-a")));
        var broken = await SendAsync("/v2/bot/message/reply", ReplyBody("token-a"));
        var replied = await SendAsync("/v2/bot/message/reply", ReplyBody("token-a"));

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), limited.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, pushed.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, unauthenticated.StatusCode); // failures come before any check
        Assert.Equal("Internal error", (string?)(await JsonAsync(broken))["message"]);
        Assert.Equal(HttpStatusCode.OK, replied.StatusCode);
        Assert.Equal([429, 200, 500, 500, 200], _line.Requests.Select(r => r.Status));
    }

    [Fact]
    public async Task Profile_ReturnsUserProfileResponse_AndIs404ForUnknownIds()
    {
        var profile = await SendAsync($"/v2/bot/profile/{UserA}", null);
        var unknown = await SendAsync("/v2/bot/profile/not-a-user", null);

        Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
        var body = await JsonAsync(profile);
        Assert.Empty(LineSpecs.MessagingApi.Validate("UserProfileResponse", body));
        Assert.Equal(UserA, (string?)body["userId"]);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task LoadingStart_Is202_AndChecksLoadingSeconds()
    {
        var shown = await SendAsync("/v2/bot/chat/loading/start", new JsonObject { ["chatId"] = UserA, ["loadingSeconds"] = 20 });
        var tooShort = await SendAsync("/v2/bot/chat/loading/start", new JsonObject { ["chatId"] = UserA, ["loadingSeconds"] = 3 });

        Assert.Equal(HttpStatusCode.Accepted, shown.StatusCode); // LINE answers 202, per messaging-api.yml
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        Assert.Equal("loadingSeconds", (string?)(await JsonAsync(tooShort))["details"]![0]!["property"]);
    }

    [Fact]
    public async Task Quota_IsSpecShaped_AndConsumptionCountsRecipientsOfPushAndMulticast()
    {
        await SendAsync("/v2/bot/message/push", PushBody(UserA));
        await SendAsync("/v2/bot/message/multicast", MulticastBody(UserA, UserB));
        await SendAsync("/v2/bot/message/reply", ReplyBody("token-a")); // replies are free

        var quota = await JsonAsync(await SendAsync("/v2/bot/message/quota", null));
        var consumption = await JsonAsync(await SendAsync("/v2/bot/message/quota/consumption", null));

        Assert.Empty(LineSpecs.MessagingApi.Validate("MessageQuotaResponse", quota));
        Assert.Empty(LineSpecs.MessagingApi.Validate("QuotaConsumptionResponse", consumption));
        Assert.Equal(3, (long?)consumption["totalUsage"]);
    }

    [Fact]
    public async Task Delay_SlowsEveryResponse()
    {
        _line.Delay = TimeSpan.FromMilliseconds(300);
        var clock = Stopwatch.StartNew();

        await SendAsync("/v2/bot/message/quota", null);

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(280), $"answered after {clock.Elapsed}");
    }

    [Fact]
    public async Task WaitFor_CompletesOnAcceptedMatch_AndTimesOutOtherwise()
    {
        var waiting = _line.WaitForAsync(r => r.Path.EndsWith("/push") && (string?)r.Body?["to"] == UserB, TimeSpan.FromSeconds(10));
        await SendAsync("/v2/bot/message/push", PushBody(UserA));
        _line.FailNext("/v2/bot/message/push", 500);
        await SendAsync("/v2/bot/message/push", PushBody(UserB)); // rejected: does not count
        Assert.False(waiting.IsCompleted);

        await SendAsync("/v2/bot/message/push", PushBody(UserB));

        Assert.Equal(200, (await waiting).Status);
        Assert.Equal(UserA, (string?)(await _line.WaitForAsync(r => r.Path.EndsWith("/push"), TimeSpan.FromSeconds(1))).Body!["to"]);
        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => _line.WaitForAsync(r => r.Path.EndsWith("/multicast"), TimeSpan.FromMilliseconds(100)));
        Assert.Contains("POST /v2/bot/message/push → 500", timeout.Message);
    }

    private async Task<HttpResponseMessage> SendAsync(string path, JsonObject? body, string? retryKey = null)
    {
        var request = new HttpRequestMessage(body is null ? HttpMethod.Get : HttpMethod.Post, path) { Content = body is null ? null : Json(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        if (retryKey is not null) request.Headers.Add("X-Line-Retry-Key", retryKey);
        return await _http.SendAsync(request);
    }

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static async Task<JsonNode> JsonAsync(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    private static JsonObject Text(string text) => new() { ["type"] = "text", ["text"] = text };

    private static JsonObject PushBody(string to) => new() { ["to"] = to, ["messages"] = new JsonArray(Text("Time for today's check-in")) };

    private static JsonObject ReplyBody(string token) => new() { ["replyToken"] = token, ["messages"] = new JsonArray(Text("Thanks!"), Text("See you tomorrow")) };

    private static JsonObject MulticastBody(params string[] to) =>
        new() { ["to"] = new JsonArray([.. to.Select(t => (JsonNode)t)]), ["messages"] = new JsonArray(Text("Reminder")) };
}

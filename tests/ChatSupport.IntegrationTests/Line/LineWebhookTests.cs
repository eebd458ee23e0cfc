using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ChatSupport.Channels.Line;
using ChatSupport.Tests.Line;
using ChatSupport.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChatSupport.IntegrationTests.Line;

/// <summary>The LINE channel end to end: signed webhooks into the real host and database, replies at the mock LINE API.</summary>
public sealed class LineWebhookTests
{
    private static async Task<(TestDatabase Db, LineApiMock Mock, WebHost Host)> StartAsync(string provider, IReadOnlyDictionary<string, string>? extra = null)
    {
        var db = await TestDatabase.CreateAsync(provider);
        var mock = await LineApiMock.StartAsync(LineTenant.Token);
        var host = new WebHost(db, settings: LineTenant.Settings(mock, extra));
        return (db, mock, host);
    }

    private static async Task<Dictionary<string, long>> CountRowsAsync(TestDatabase database)
    {
        await using var db = database.Open();
        return new()
        {
            ["residents"] = await db.Residents.LongCountAsync(), ["state"] = await db.StateDocuments.LongCountAsync(),
            ["responses"] = await db.Responses.LongCountAsync(), ["answers"] = await db.Answers.LongCountAsync(),
            ["inbox"] = await db.LineInbox.LongCountAsync(), ["outbox"] = await db.LineOutbox.LongCountAsync(), ["audit"] = await db.AuditLog.LongCountAsync(),
        };
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task SelfCheck_ByButtonsAndByTyping_RepliesArriveAtLine(string provider)
    {
        var (database, mock, host) = await StartAsync(provider);
        await using var databaseScope = database; await using var mockScope = mock; await using var hostScope = host;
        var resident = new LineResident(host.CreateClient(), mock);

        var greeting = await resident.SayAsync(resident.Follow());
        Assert.Contains(greeting, m => ((string?)m!["text"])?.Contains("同意") == true);
        var consent = await resident.SayAsync(resident.Postback(LineResident.DataOf(greeting, "同意する")));
        var symptoms = await resident.SayAsync(resident.Postback(LineResident.DataOf(consent, "1日前から")));
        var age = await resident.SayAsync(resident.Text("無し"));                 // typed instead of tapped
        var sex = await resident.SayAsync(resident.Text("７０"));                 // full-width digits
        var job = await resident.SayAsync(resident.Postback(LineResident.DataOf(sex, "男性")));
        var conditions = await resident.SayAsync(resident.Postback(LineResident.DataOf(job, "無職")));
        var postal = await resident.SayAsync(resident.Postback(LineResident.DataOf(conditions, "下記いずれも該当なし")));
        var behaviours = await resident.SayAsync(resident.Text("２２０－００１２"));
        var advice = await resident.SayAsync(resident.Postback(LineResident.DataOf(behaviours, "いずれも行っていない")));
        Assert.Contains(advice, m => ((string?)m!["text"])?.Contains("横浜市") == true);
        Assert.NotEmpty(symptoms); Assert.NotEmpty(age);

        Assert.Empty(mock.SpecViolations);
        Assert.All(mock.Requests, r => Assert.Equal("Bearer " + LineTenant.Token, r.Headers["Authorization"]));
        // No LINE user id, reply token or typed answer in any log line.
        Assert.DoesNotContain(host.Logs, l => l.Contains(resident.UserId) || l.Contains("２２０－００１２") || l.Contains("reply-"));
        await using var db = database.Open();
        var answers = await db.Answers.ToListAsync();
        Assert.Contains(answers, a => a.QuestionId == "age" && a.ValueNumber == 70);
        Assert.Equal(8, answers.Count);
        Assert.False(string.IsNullOrEmpty((await db.Responses.SingleAsync()).QuestionnaireVersion));
        // Processed events keep nothing of what was written, and delivered messages are gone from the outbox.
        await WaitUntilAsync(async () => await db.LineOutbox.CountAsync() == 0);
        Assert.All(await db.LineInbox.ToListAsync(), r => { Assert.Equal("done", r.Status); Assert.Null(r.Payload); Assert.Null(r.ReplyToken); });
    }

    [Fact]
    public async Task ABadSignature_Is401_AndChangesNothing()
    {
        var (database, mock, host) = await StartAsync("postgres");
        await using var databaseScope = database; await using var mockScope = mock; await using var hostScope = host;
        var resident = new LineResident(host.CreateClient(), mock);
        var before = await CountRowsAsync(database);
        var body = LineResident.Body(resident.Text("はい"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await resident.PostAsync(body, signature: "")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await resident.PostAsync(body, signature: LineSignature.Sign(body, "another-secret"))).StatusCode);
        var tampered = (byte[])body.Clone(); tampered[^3] ^= 1;
        var response = await resident.PostAsync(tampered, signature: LineSignature.Sign(body, LineTenant.Secret));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        // A barrier, not a pause: a good event sent after them is answered, and it is all that reached the inbox and LINE.
        var good = resident.Follow();
        await resident.SayAsync(good);
        var after = await CountRowsAsync(database);
        Assert.Equal(before["inbox"] + 1, after["inbox"]);
        Assert.Equal(0, before["residents"] + before["state"]);
        Assert.Equal([(string?)good["replyToken"]], mock.Requests.Select(r => (string?)r.Body?["replyToken"]).Where(t => t is not null));
        Assert.DoesNotContain(mock.Requests, r => r.Path == "/v2/bot/message/push");
    }

    [Fact]
    public async Task UnknownTenant_Is401AsABadSignature_MalformedBody_Is400_Verification_Is200()
    {
        var (database, mock, host) = await StartAsync("sqlite");
        await using var databaseScope = database; await using var mockScope = mock; await using var hostScope = host;
        var resident = new LineResident(host.CreateClient(), mock);
        Assert.Equal(HttpStatusCode.Unauthorized, (await resident.PostAsync(LineResident.Body(), tenantId: "nowhere")).StatusCode); // as a bad signature (WebhookHardeningTests)
        var notJson = "{\"events\": [oops"u8.ToArray();
        var bad = await resident.PostAsync(notJson);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await resident.PostAsync(LineResident.Body())).StatusCode);
        Assert.Equal(0, (await CountRowsAsync(database))["inbox"]);
    }

    [Fact]
    public async Task ARedeliveredEvent_ChangesNothing_AndSendsNothing()
    {
        var (database, mock, host) = await StartAsync("postgres");
        await using var databaseScope = database; await using var mockScope = mock; await using var hostScope = host;
        var resident = new LineResident(host.CreateClient(), mock);
        var follow = resident.Follow();
        await resident.SayAsync(follow);
        var consent = resident.Postback("同意する");
        await resident.SayAsync(consent);
        var before = await CountRowsAsync(database);
        var sent = mock.Requests.Count(r => r.Status == 200);

        var again = (JsonObject)consent.DeepClone();
        again["deliveryContext"] = new JsonObject { ["isRedelivery"] = true };
        Assert.Equal(HttpStatusCode.OK, (await resident.PostAsync(LineResident.Body(again))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await resident.PostAsync(LineResident.Body(again, (JsonObject)follow.DeepClone()))).StatusCode);
        Assert.Equal(before["inbox"], (await CountRowsAsync(database))["inbox"]); // nothing new in the inbox
        // A later event of the same resident is answered only after everything before it: once its reply is there,
        // a redelivery that were going to be answered would have been.
        await resident.SayAsync(resident.Text("ヘルプ"));
        Assert.Equal(sent + 1, mock.Requests.Count(r => r.Status == 200));
        Assert.Single(mock.Requests, r => r.Status == 200 && (string?)r.Body?["replyToken"] == (string?)consent["replyToken"]);
        Assert.Single(mock.Requests, r => r.Status == 200 && (string?)r.Body?["replyToken"] == (string?)follow["replyToken"]);
        var after = await CountRowsAsync(database);
        Assert.Equal(before["answers"], after["answers"]);
        Assert.Equal(before["responses"], after["responses"]);
    }

    [Fact]
    public async Task A429FromLine_IsRetried_AndTheResidentReceivesTheMessageOnce()
    {
        var (database, mock, host) = await StartAsync("postgres");
        await using var databaseScope = database; await using var mockScope = mock; await using var hostScope = host;
        var resident = new LineResident(host.CreateClient(), mock);
        mock.FailNext("/v2/bot/message/reply", 429, 1, TimeSpan.FromSeconds(1));
        var follow = resident.Follow();
        await resident.SayAsync(follow);
        var replies = mock.Requests.Where(r => r.Path == "/v2/bot/message/reply").ToList();
        Assert.Equal([429, 200], replies.Select(r => r.Status));
        Assert.True(replies[1].At - replies[0].At >= TimeSpan.FromSeconds(0.9), "Retry-After was not honoured");

        // A stale reply token: the answer goes by push with a retry key; a 500 is retried with the same key, delivered once.
        mock.FailNext("/v2/bot/message/push", 500, 1);
        var late = resident.Postback("同意する");
        late["timestamp"] = DateTimeOffset.UtcNow.AddMinutes(-2).ToUnixTimeMilliseconds();
        await resident.SayAsync(late);
        var pushes = mock.Requests.Where(r => r.Path == "/v2/bot/message/push").ToList();
        Assert.Equal([500, 200], pushes.Select(r => r.Status));
        Assert.Equal(pushes[0].Headers["X-Line-Retry-Key"], pushes[1].Headers["X-Line-Retry-Key"]);
        Assert.True(Guid.TryParse(pushes[1].Headers["X-Line-Retry-Key"], out _));
        Assert.Empty(mock.SpecViolations);
    }

    /// <summary>LINE unavailable longer than the retries last: the messages wait in the outbox and are pushed later, once.</summary>
    [Fact]
    public async Task WhenLineIsDownLongerThanTheRetries_TheMessageIsPushedLater_Once()
    {
        var (database, mock, host) = await StartAsync("postgres", new Dictionary<string, string>
        {
            ["Line:MaxRetries"] = "1", ["LineInbox:ResendPendingAfter"] = "00:00:01", ["Line:ReplyTokenLifetime"] = "00:00:02",
        });
        await using var databaseScope = database; await using var mockScope = mock; await using var hostScope = host;
        var resident = new LineResident(host.CreateClient(), mock);
        mock.FailNext("/v2/bot/message/reply", 500, times: 1000); // the sender tries the token while it lives (2 s here), then pushes
        mock.FailNext("/v2/bot/message/push", 500, times: 2);  // the push and its one retry
        var follow = resident.Follow();
        follow["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.Equal(HttpStatusCode.OK, (await resident.PostAsync(LineResident.Body(follow))).StatusCode);
        var pushed = await mock.WaitForAsync(r => r.Path == "/v2/bot/message/push" && r.Status == 200, TimeSpan.FromSeconds(30));
        Assert.Equal(resident.UserId, (string?)pushed.Body!["to"]);
        await WaitForSweepsAsync(host, 2); // two more sweeps (the second began after the push): nothing is sent again
        Assert.Single(mock.Requests, r => r.Status == 200 && r.Path is "/v2/bot/message/push" or "/v2/bot/message/reply");
        var keys = mock.Requests.Where(r => r.Path == "/v2/bot/message/push").Select(r => r.Headers["X-Line-Retry-Key"]).Distinct();
        Assert.Single(keys); // every push of these messages carried the same retry key
        await using var db = database.Open();
        Assert.Equal(1, await db.MessageUsage.SumAsync(u => u.Messages)); // a push costs a message of the month; replies do not
    }

    [Fact]
    public async Task StoppingRightAfterThe200_StillAnswersTheResident()
    {
        await using var database = await TestDatabase.CreateAsync("postgres");
        await using var mock = await LineApiMock.StartAsync(LineTenant.Token);
        JsonObject follow;
        await using (var receiver = new WebHost(database, settings: LineTenant.Settings(mock, new Dictionary<string, string> { ["LineInbox:ProcessEvents"] = "false" })))
        {
            var resident = new LineResident(receiver.CreateClient(), mock, userId: "U0123456789abcdef0123456789abcdef");
            follow = resident.Follow();
            Assert.Equal(HttpStatusCode.OK, (await resident.PostAsync(LineResident.Body(follow))).StatusCode);
            await receiver.DisposeAsync(); // stopped (a barrier): nothing of it can send any more
            Assert.Empty(mock.Requests);
        } // the process stopped with the event in its inbox
        await using (var db = database.Open())
            Assert.Equal("pending", (await db.LineInbox.SingleAsync()).Status);

        await using var restarted = new WebHost(database, settings: LineTenant.Settings(mock));
        restarted.CreateClient(); // starts the host, whose processor finds the event
        var reply = await mock.WaitForAsync(r => r.Status == 200 && (string?)r.Body?["replyToken"] == (string?)follow["replyToken"], TimeSpan.FromSeconds(20));
        Assert.Contains(reply.Body!["messages"]!.AsArray(), m => ((string?)m!["text"])?.Contains("同意") == true);
    }

    [Fact]
    public async Task EventsOfSeveralUsers_InOneRequest_AreAnsweredInTimestampOrder()
    {
        var (database, mock, host) = await StartAsync("postgres");
        await using var databaseScope = database; await using var mockScope = mock; await using var hostScope = host;
        var client = host.CreateClient();
        var a = new LineResident(client, mock);
        var b = new LineResident(client, mock);
        await a.SayAsync(a.Follow());
        await b.SayAsync(b.Follow());
        var t = DateTimeOffset.UtcNow;
        // LINE may deliver out of order: a's "restart" (later) comes before a's consent (earlier) in the request.
        var consent = a.Postback("同意する"); consent["timestamp"] = t.ToUnixTimeMilliseconds();
        var help = a.Text("ヘルプ"); help["timestamp"] = t.AddSeconds(1).ToUnixTimeMilliseconds();
        var bConsent = b.Postback("同意する");
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsync(LineResident.Body(help, bConsent, consent))).StatusCode);
        var replyToHelp = await mock.WaitForAsync(r => r.Status == 200 && (string?)r.Body?["replyToken"] == (string?)help["replyToken"], TimeSpan.FromSeconds(20));
        var replyToConsent = mock.Requests.Single(r => r.Status == 200 && (string?)r.Body?["replyToken"] == (string?)consent["replyToken"]);
        Assert.True(replyToConsent.At <= replyToHelp.At);
        await mock.WaitForAsync(r => r.Status == 200 && (string?)r.Body?["replyToken"] == (string?)bConsent["replyToken"], TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Unfollow_MarksTheResidentBlocked_AndUnsend_DeletesTheText()
    {
        var (database, mock, host) = await StartAsync("postgres");
        await using var databaseScope = database; await using var mockScope = mock; await using var hostScope = host;
        var resident = new LineResident(host.CreateClient(), mock);
        await resident.SayAsync(resident.Follow());
        var typedChoice = resident.Text("無し");
        JsonObject? postal = null;
        foreach (var say in new[] { "同意する", "1日前から", "無し", "70", "男性", "無職", "下記いずれも該当なし", "２２０－００１２", "いずれも行っていない" })
        {
            var e = say == "無し" ? typedChoice : resident.Text(say);
            if (say == "２２０－００１２") postal = e;
            await resident.SayAsync(e);
        }

        await resident.PostAsync(LineResident.Body(resident.Event("unsend", new JsonObject { ["unsend"] = new JsonObject { ["messageId"] = (string)postal!["message"]!["id"]! } })));
        await resident.PostAsync(LineResident.Body(resident.Event("unsend", new JsonObject { ["unsend"] = new JsonObject { ["messageId"] = (string)typedChoice["message"]!["id"]! } })));
        await resident.PostAsync(LineResident.Body(resident.Event("unfollow")));
        await using var db = database.Open();
        await WaitUntilAsync(async () => await db.Residents.AnyAsync(r => r.Blocked));
        // The postal code the resident typed is gone from the answer and the response's values; the row still counts.
        var postalAnswer = await db.Answers.SingleAsync(a => a.QuestionId == "postal_code");
        Assert.Null(postalAnswer.ValueText);
        Assert.DoesNotContain("2200012", (await db.Responses.SingleAsync()).ValuesJson ?? "");
        // A typed choice is kept as the option it chose (the questionnaire's value, not the message).
        Assert.Equal("none", (await db.Answers.SingleAsync(a => a.SourceId == (string)typedChoice["message"]!["id"]!)).ValueText);
    }

    /// <summary>A turn slower than Line:LoadingAnimationAfter (here: no time at all) shows LINE's loading animation first.</summary>
    [Fact]
    public async Task ASlowTurn_ShowsTheLoadingAnimation()
    {
        var (database, mock, host) = await StartAsync("sqlite", new Dictionary<string, string> { ["Line:LoadingAnimationAfter"] = "00:00:00" });
        await using var databaseScope = database; await using var mockScope = mock; await using var hostScope = host;
        var resident = new LineResident(host.CreateClient(), mock);
        await resident.SayAsync(resident.Follow());
        var loading = await mock.WaitForAsync(r => r.Path == "/v2/bot/chat/loading/start", TimeSpan.FromSeconds(10));
        Assert.Equal(resident.UserId, (string?)loading.Body!["chatId"]);
    }

    /// <summary>
    /// LINE throttles the replies for seconds (seven 429s with Retry-After: more than the client's own retries): the
    /// reply is tried again while its token lives, so the resident gets it by reply (free), not by push 134 s later, and
    /// sees LINE's loading animation meanwhile.
    /// </summary>
    [Fact]
    public async Task AThrottledReply_IsRetriedWithinTheTokensLife_WithTheLoadingAnimation_AndNotPushed()
    {
        var (database, mock, host) = await StartAsync("postgres");
        await using var databaseScope = database; await using var mockScope = mock; await using var hostScope = host;
        var resident = new LineResident(host.CreateClient(), mock);
        mock.FailNext("/v2/bot/message/reply", 429, times: 7, TimeSpan.FromSeconds(1));
        var follow = resident.Follow();
        follow["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await resident.SayAsync(follow);

        var replies = mock.Requests.Where(r => r.Path == "/v2/bot/message/reply").ToList();
        Assert.Equal([.. Enumerable.Repeat(429, 7), 200], replies.Select(r => r.Status));
        Assert.Equal((string?)follow["replyToken"], (string?)replies[^1].Body!["replyToken"]);
        Assert.True(replies[^1].At - replies[0].At >= TimeSpan.FromSeconds(6), "Retry-After was not honoured");
        Assert.DoesNotContain(mock.Requests, r => r.Path == "/v2/bot/message/push");
        var loading = mock.Requests.Where(r => r.Path == "/v2/bot/chat/loading/start" && r.Status == 202).ToList();
        Assert.NotEmpty(loading);
        Assert.All(loading, l => Assert.Equal(resident.UserId, (string?)l.Body!["chatId"]));
        Assert.True(loading[0].At < replies[^1].At);
        Assert.Empty(mock.SpecViolations);
    }

    /// <summary>
    /// In a group or a room the questionnaire is not run (another member could answer, everyone reads along): each
    /// event gets one short message by reply that the service works in a 1:1 chat, and nothing of it is stored.
    /// </summary>
    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task InAGroupOrRoom_OneMessageSaysItWorksOneToOne_AndNothingIsStored(string provider)
    {
        var (database, mock, host) = await StartAsync(provider);
        await using var databaseScope = database; await using var mockScope = mock; await using var hostScope = host;
        var client = host.CreateClient();
        var first = new LineResident(client, mock);
        var second = new LineResident(client, mock);
        var group = new JsonObject { ["type"] = "group", ["groupId"] = "C" + Guid.NewGuid().ToString("N") };
        var room = new JsonObject { ["type"] = "room", ["roomId"] = "R" + Guid.NewGuid().ToString("N") };
        JsonObject In(JsonObject e, JsonObject source, string? userId)
        {
            var s = (JsonObject)source.DeepClone();
            if (userId is not null) s["userId"] = userId;
            e["source"] = s;
            return e;
        }
        var events = new[]
        {
            In(first.Event("join"), group, null),
            In(first.Text("開始"), group, first.UserId),
            In(second.Text("同意する"), group, second.UserId),
            In(second.Postback("同意する"), group, second.UserId),
            In(first.Text("はい"), room, first.UserId),
        };
        events[0]["replyToken"] = "reply-join-" + Guid.NewGuid().ToString("N");
        foreach (var e in events)
        {
            var messages = await first.SayAsync(e);
            var text = (string?)Assert.Single(messages)!["text"];
            Assert.Contains("1対1", text);
        }
        var rows = await CountRowsAsync(database);
        Assert.Equal((0L, 0L, 0L, 0L), (rows["residents"], rows["state"], rows["answers"], rows["responses"]));
        // Barrier: a 1:1 event after them is answered, and a sweep has run since.
        var follow = first.Follow();
        await first.SayAsync(follow);
        await WaitForSweepsAsync(host, 2);
        foreach (var e in events)
            Assert.Single(mock.Requests, r => r.Path == "/v2/bot/message/reply" && (string?)r.Body?["replyToken"] == (string?)e["replyToken"]);
        Assert.DoesNotContain(mock.Requests, r => r.Path == "/v2/bot/message/push");
        Assert.DoesNotContain(mock.Requests, r => r.Path == "/v2/bot/chat/loading/start" && (string?)r.Body?["chatId"] != first.UserId);
        Assert.Empty(mock.SpecViolations);
    }

    /// <summary>
    /// What a crash left in the outbox, as the sweep finds it after a restart. A reply whose token still lives is settled
    /// at once by trying the token again: accepted (sent now) or refused as used (it had arrived: nothing is sent). A reply
    /// whose token expired may or may not have arrived: it goes again, by push and marked as sent again, only if no later
    /// turn wrote the conversation (still waiting for its question, or its advice or erasure was the last word); a
    /// conversation that moved on gets nothing (a stale question is worse than none).
    /// </summary>
    [Fact]
    public async Task AfterACrash_PendingRepliesAreSettledByTheirTokens_AndStaleOnesResentOnlyIfStillWaiting()
    {
        var (database, mock, host) = await StartAsync("postgres", new Dictionary<string, string> { ["LineInbox:ResendPendingAfter"] = "00:00:01" });
        await using var databaseScope = database; await using var mockScope = mock; await using var hostScope = host;
        var client = host.CreateClient();
        var waiting = new LineResident(client, mock);
        var movedOn = new LineResident(client, mock);
        var live = new LineResident(client, mock);
        var spent = new LineResident(client, mock);
        var erased = new LineResident(client, mock); // its last turn erased everything: its confirmation must not be lost
        foreach (var r in new[] { waiting, movedOn, live, spent })
        {
            await r.SayAsync(r.Follow());
            await r.SayAsync(r.Postback("同意する"));
        }
        // The reply token of "spent" was used (LINE delivered the reply) before the crash; nobody heard of it.
        var spentToken = "reply-spent-" + Guid.NewGuid().ToString("N");
        using (var line = new HttpClient { BaseAddress = mock.BaseUrl })
        {
            line.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", LineTenant.Token);
            var body = new JsonObject { ["replyToken"] = spentToken, ["messages"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = "質問B" }) };
            Assert.Equal(HttpStatusCode.OK, (await line.PostAsync("v2/bot/message/reply", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"))).StatusCode);
        }
        var now = DateTimeOffset.UtcNow;
        await using (var db = database.Open())
        {
            var movedOnState = await db.StateDocuments.SingleAsync(d => d.Key == $"line/conversations/{LineTenant.Id}:{movedOn.UserId}");
            LineOutboxRow Row(LineResident r, string token, DateTimeOffset replyBefore, DateTimeOffset createdAt, string text) => new()
            {
                TenantId = LineTenant.Id, Recipient = r.UserId, RetryKey = Guid.NewGuid().ToString("D"), ReplyToken = token, ReplyBefore = replyBefore,
                Messages = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }).ToJsonString(), Status = "pending", CreatedAt = createdAt,
            };
            db.LineOutbox.AddRange(
                Row(waiting, "reply-stale-" + Guid.NewGuid().ToString("N"), now.AddMinutes(-2), now, "質問A"),
                Row(movedOn, "reply-stale-" + Guid.NewGuid().ToString("N"), now.AddMinutes(-2), movedOnState.UpdatedAt.AddSeconds(-5), "質問X"),
                Row(live, "reply-live-" + Guid.NewGuid().ToString("N"), now.AddSeconds(40), now.AddSeconds(-10), "質問C"),
                Row(spent, spentToken, now.AddSeconds(40), now.AddSeconds(-10), "質問B"),
                Row(erased, "reply-stale-" + Guid.NewGuid().ToString("N"), now.AddMinutes(-2), now, "データを削除しました。"));
            await db.SaveChangesAsync();
        }

        var resent = await mock.WaitForAsync(r => r.Path == "/v2/bot/message/push" && (string?)r.Body?["to"] == waiting.UserId, TimeSpan.FromSeconds(20));
        Assert.Equal(["（再送）前回のメッセージが届いていない可能性があるため、もう一度お送りします。", "質問A"],
            resent.Body!["messages"]!.AsArray().Select(m => (string?)m!["text"]));
        var confirmation = await mock.WaitForAsync(r => r.Path == "/v2/bot/message/push" && (string?)r.Body?["to"] == erased.UserId, TimeSpan.FromSeconds(20));
        Assert.Equal("データを削除しました。", (string?)confirmation.Body!["messages"]!.AsArray()[^1]!["text"]);
        await mock.WaitForAsync(r => r.Path == "/v2/bot/message/reply" && ((string?)r.Body?["replyToken"])?.StartsWith("reply-live-") == true, TimeSpan.FromSeconds(20));
        await using (var db = database.Open())
            await WaitUntilAsync(async () => await db.LineOutbox.CountAsync() == 0); // every row settled
        await WaitForSweepsAsync(host, 2);
        Assert.Equal(2, mock.Requests.Count(r => r.Path == "/v2/bot/message/push"));
        Assert.DoesNotContain(mock.Requests, r => (string?)r.Body?["to"] == movedOn.UserId);
        Assert.Equal([200, 400], mock.Requests.Where(r => (string?)r.Body?["replyToken"] == spentToken).Select(r => r.Status));
        Assert.Empty(mock.SpecViolations);
    }

    /// <summary>"データ削除" over LINE: once the confirmation is delivered, no table holds the LINE user id or the pseudonym.</summary>
    [Fact]
    public async Task DeleteMyData_OverLine_LeavesNothingThatIdentifiesTheResident()
    {
        var (database, mock, host) = await StartAsync("postgres");
        await using var databaseScope = database; await using var mockScope = mock; await using var hostScope = host;
        var resident = new LineResident(host.CreateClient(), mock);
        await resident.SayAsync(resident.Follow());
        await resident.SayAsync(resident.Postback("同意する"));
        await resident.SayAsync(resident.Postback("1日前から"));
        await resident.SayAsync(resident.Text("無し"));
        await resident.SayAsync(resident.Text("データ削除"));
        var done = await resident.SayAsync(resident.Postback("はい"));
        Assert.Contains(done, m => ((string?)m!["text"])?.Contains("削除しました") == true);

        var pseudonym = ChatSupport.Persistence.Residents.ResidentKeys.FromSecret("web-test-pseudonymisation-key-0123456789").Pseudonym($"line:{LineTenant.Id}:{resident.UserId}");
        await using var db = database.Open();
        await WaitUntilAsync(async () => await db.LineOutbox.CountAsync() == 0);
        foreach (var entity in db.Model.GetEntityTypes())
        {
            var set = typeof(DbContext).GetMethod(nameof(DbContext.Set), Type.EmptyTypes)!.MakeGenericMethod(entity.ClrType).Invoke(db, null)!;
            await foreach (var row in (IAsyncEnumerable<object>)set)
                foreach (var property in entity.GetProperties().Where(p => p.ClrType == typeof(string)))
                {
                    var value = (string?)property.GetGetter().GetClrValue(row);
                    Assert.False(value is not null && (value.Contains(resident.UserId, StringComparison.Ordinal) || value.Contains(pseudonym, StringComparison.Ordinal)),
                        $"{entity.GetTableName()}.{property.GetColumnName()} still holds '{value}'");
                }
        }
    }

    /// <summary>Waits until <paramref name="count"/> more sweeps of the host's LINE sender have completed (a positive barrier).</summary>
    internal static async Task WaitForSweepsAsync(WebHost host, int count)
    {
        var sender = host.Services.GetRequiredService<ChatSupport.Web.Line.LineSender>();
        var target = sender.Sweeps + count;
        await WaitUntilAsync(() => Task.FromResult(sender.Sweeps >= target), 30);
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, int seconds = 20)
    {
        for (var i = 0; i < seconds * 10; i++)
        {
            if (await condition()) return;
            await Task.Delay(100);
        }
        Assert.Fail("The condition did not become true in time.");
    }
}

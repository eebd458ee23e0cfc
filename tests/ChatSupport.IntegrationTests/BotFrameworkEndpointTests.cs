using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;

namespace ChatSupport.IntegrationTests;

/// <summary>POST /api/messages through the real host, on PostgreSQL and on SQLite.</summary>
public sealed class BotFrameworkEndpointTests
{
    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task ScriptedConversation_CompletesTheSelfCheck_AndTheAnswersAreInTheDatabase(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using (var host = new WebHost(database))
        {
            var client = host.CreateClient();
            string[] script = ["開始", "同意する", "2日前から", "無し", "70", "女性", "パート", "下記いずれも該当なし", "220-0012"];
            foreach (var say in script) await WebHost.SayAsync(client, say);
            // The process stops here and starts again below: the questionnaire goes on at the same question.
        }
        await using (var host = new WebHost(database))
        {
            var client = host.CreateClient();
            var last = await WebHost.SayAsync(client, "いずれも行っていない");
            Assert.StartsWith("発熱や強いだるさ・息苦しさが続いています。横浜市", last[0]);
        }
        await using var db = database.Open();
        var response = await db.Responses.AsNoTracking().SingleAsync();
        Assert.Equal(("covid19-selfcheck", "2020-03.1", "completed", "consult"), (response.QuestionnaireId, response.QuestionnaireVersion, response.Status, response.AdviceCategories));
        Assert.Equal(8, await db.Answers.CountAsync(a => a.ResponseId == response.Id)); // every question that takes an answer
        Assert.Equal(70m, (await db.Answers.SingleAsync(a => a.QuestionId == "age")).ValueNumber);
    }

    [Fact]
    public async Task ExpectReplies_ComesBackAsBotFrameworkJson()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var host = new WebHost(database);
        var response = await host.CreateClient().PostAsJsonAsync("/api/messages", WebHost.Activity("開始"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var reply = body["activities"]![0]!.AsObject();
        Assert.Equal("message", (string?)reply["type"]);
        Assert.Equal("user-c1", (string?)reply["recipient"]!["id"]);
        Assert.Equal("同意する", (string?)reply["suggestedActions"]!["actions"]![0]!["title"]);
        Assert.Equal("imBack", (string?)reply["suggestedActions"]!["actions"]![0]!["type"]);
        Assert.DoesNotContain(reply, p => p.Value is null);
        Assert.Contains("同意いただける場合", (string?)reply["text"]);
    }

    [Theory]
    [InlineData("{not json", "The body is not a valid activity.")]
    [InlineData("{\"type\":\"message\",\"text\":\"hi\"}", "The activity is missing required fields.")]
    [InlineData("", "The body is not a valid activity.")]
    public async Task MalformedActivity_Is400WithProblemDetails_AndNothingIsStored(string body, string title)
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var host = new WebHost(database);
        var response = await host.CreateClient().PostAsync("/api/messages", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(title, (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["title"]);
        await using var db = database.Open();
        Assert.Equal(0, await db.StateDocuments.CountAsync());
    }

    [Theory]
    [InlineData("conversation", "c-200x", "too long")]
    [InlineData("channel", "line", "has its own endpoint")]
    [InlineData("serviceUrl", "http://169.254.169.254/latest", "BotFramework:AllowedServiceUrls")]
    [InlineData("serviceUrl", "not a url", "not an http(s) URL")]
    [InlineData("serviceUrl", "http://127.0.0.1:5080/api/messages#", "not an http(s) URL without user info, query or fragment")]
    public async Task ActivitiesThisEndpointMustNotTake_Are400(string field, string value, string detail)
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var host = new WebHost(database);
        var activity = WebHost.Activity("開始");
        switch (field)
        {
            case "conversation": activity["conversation"]!["id"] = new string('c', 201); break;
            case "channel": activity["channelId"] = value; break;
            default: activity.Remove("deliveryMode"); activity["serviceUrl"] = value; break;
        }
        var response = await host.CreateClient().PostAsJsonAsync("/api/messages", activity);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(detail, (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]);
        await using var db = database.Open();
        Assert.Equal(0, await db.StateDocuments.CountAsync());
    }

    [Fact]
    public async Task ConversationUpdate_WithANullMember_IsNotAnError()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var host = new WebHost(database);
        var activity = WebHost.Activity("");
        activity["type"] = "conversationUpdate";
        activity["membersAdded"] = new JsonArray(null, new JsonObject { ["id"] = "user-c1" });
        var response = await host.CreateClient().PostAsJsonAsync("/api/messages", activity);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("同意いただける場合", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["activities"]![0]!["text"]);
    }

    [Fact]
    public async Task OversizedBody_Is413()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var host = new WebHost(database);
        var activity = WebHost.Activity(new string('あ', 300_000));
        var response = await host.CreateClient().PostAsync("/api/messages", new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>A body sent without a length (chunked) is counted as it is read: over the limit, 413 and nothing stored.</summary>
    [Fact]
    public async Task OversizedChunkedBody_Is413_WithProblemDetails()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var host = new WebHost(database);
        var activity = WebHost.Activity(new string('あ', 300_000));
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(activity.ToJsonString())));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        var response = await host.CreateClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await using var db = database.Open();
        Assert.Empty(db.StateDocuments);
    }

    [Fact]
    public async Task UnknownActivityType_Is200AndIgnored()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var host = new WebHost(database);
        var activity = WebHost.Activity("x");
        activity["type"] = "installationUpdate";
        var response = await host.CreateClient().PostAsJsonAsync("/api/messages", activity);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["activities"]!.AsArray());
        await using var db = database.Open();
        Assert.Equal(0, await db.StateDocuments.CountAsync());
    }

    [Fact]
    public async Task AnAnswerThatFailsValidation_GetsTheRetryPrompt()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var host = new WebHost(database);
        var client = host.CreateClient();
        foreach (var say in new[] { "開始", "同意する", "無し", "無し" }) await WebHost.SayAsync(client, say);
        var retry = await WebHost.SayAsync(client, "200");
        Assert.StartsWith("0から120までの数字で入力してください。", retry.Single());
    }

    [Fact]
    public async Task HealthAndReadiness_Answer()
    {
        await using var database = await TestDatabase.CreateAsync("postgres");
        await using var host = new WebHost(database);
        var client = host.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", WebHost.StaffKey);
        var openApi = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        Assert.NotNull(openApi["paths"]!["/api/messages"]!["post"]);
    }
}

public sealed class RedeliveryTests
{
    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task TheSameActivityDeliveredTwice_IsHandledOnce(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = new WebHost(database);
        var client = host.CreateClient();
        foreach (var say in new[] { "開始", "同意する" }) await WebHost.SayAsync(client, say);
        var answer = WebHost.Activity("今日から");
        var first = await client.PostAsJsonAsync("/api/messages", answer);
        var again = await client.PostAsJsonAsync("/api/messages", answer);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.NotEmpty(JsonNode.Parse(await first.Content.ReadAsStringAsync())!["activities"]!.AsArray());
        Assert.Empty(JsonNode.Parse(await again.Content.ReadAsStringAsync())!["activities"]!.AsArray());
        await using var db = database.Open();
        Assert.Equal(1, await db.Answers.CountAsync(a => a.QuestionId == "fever"));
        // The next, different activity goes on from where the first left off.
        Assert.StartsWith("強いだるさ", (await WebHost.SayAsync(client, "わからない")).Single().Split('\n')[1]);
    }
}

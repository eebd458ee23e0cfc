using System.Diagnostics;
using System.Net;
using System.Text;
using ChatSupport.Channels.Line;
using ChatSupport.IntegrationTests.Line;
using ChatSupport.Tests.Line;
using Microsoft.EntityFrameworkCore;

namespace ChatSupport.IntegrationTests.Security;

/// <summary>Issue 13.6 (d, e): signed but malformed webhooks are 400 with problem details; an unknown tenant looks exactly like a bad signature.</summary>
public sealed class WebhookHardeningTests
{
    [Theory]
    [InlineData("""{"destination":"U0","events":[{"type":"follow","mode":"active","timestamp":99999999999999999,"source":{"type":"user","userId":"U1"},"webhookEventId":"01JTEST1","deliveryContext":{"isRedelivery":false},"replyToken":"r"}]}""")]
    [InlineData("""{"destination":"U0","events":[{"type":"follow","mode":"active","timestamp":-99999999999999999,"source":{"type":"user","userId":"U1"},"webhookEventId":"01JTEST2","deliveryContext":{"isRedelivery":false},"replyToken":"r"}]}""")]
    [InlineData("""{"destination":"U0","events":[],"events":[]}""")]
    [InlineData("""{"destination":"U0","events":[{"type":"follow","type":"message","mode":"active","timestamp":1700000000000,"source":{"type":"user","userId":"U1"},"webhookEventId":"01JTEST3","deliveryContext":{"isRedelivery":false}}]}""")]
    public async Task ASignedBodyWithAnImpossibleTimestampOrADuplicateKey_Is400WithProblemDetails(string json)
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var mock = await LineApiMock.StartAsync(LineTenant.Token);
        await using var host = new WebHost(database, settings: LineTenant.Settings(mock));
        var resident = new LineResident(host.CreateClient(), mock);

        var response = await resident.PostAsync(Encoding.UTF8.GetBytes(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await using var db = database.Open();
        Assert.Equal(0, await db.LineInbox.CountAsync());
    }

    [Fact]
    public async Task AnUnknownTenant_IsAnsweredExactlyAsABadSignature()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var mock = await LineApiMock.StartAsync(LineTenant.Token);
        await using var host = new WebHost(database, settings: LineTenant.Settings(mock));
        var resident = new LineResident(host.CreateClient(), mock);
        var body = LineResident.Body(resident.Follow());

        var badSignature = await resident.PostAsync(body, signature: LineSignature.Sign(body, "another-secret"));
        var unknownTenant = await resident.PostAsync(body, tenantId: "nowhere");
        var unknownTenantNoSignature = await resident.PostAsync(body, signature: "", tenantId: "nowhere-else");

        foreach (var response in new[] { badSignature, unknownTenant, unknownTenantNoSignature })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        // The same body apart from the trace id.
        static async Task<string> Shape(HttpResponseMessage r) =>
            System.Text.RegularExpressions.Regex.Replace(await r.Content.ReadAsStringAsync(), "\"traceId\":\"[^\"]*\"", "\"traceId\":\"…\"");
        Assert.Equal(await Shape(badSignature), await Shape(unknownTenant));
        Assert.Equal(await Shape(badSignature), await Shape(unknownTenantNoSignature));

        // Similar timing: the medians of many tries differ by far less than a database round trip would make them.
        var known = new List<double>();
        var unknown = new List<double>();
        var wrong = LineSignature.Sign(body, "another-secret");
        for (var i = 0; i < 60; i++)
        {
            var watch = Stopwatch.StartNew();
            (await resident.PostAsync(body, signature: wrong)).Dispose();
            known.Add(watch.Elapsed.TotalMilliseconds);
            watch.Restart();
            (await resident.PostAsync(body, signature: wrong, tenantId: "nowhere")).Dispose();
            unknown.Add(watch.Elapsed.TotalMilliseconds);
        }
        double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
        Assert.True(Math.Abs(Median(known) - Median(unknown)) < Math.Max(2.0, Median(known)),
            $"known tenant {Median(known):F2} ms, unknown tenant {Median(unknown):F2} ms");
        await using var db = database.Open();
        Assert.Equal(0, await db.LineInbox.CountAsync());
    }
}

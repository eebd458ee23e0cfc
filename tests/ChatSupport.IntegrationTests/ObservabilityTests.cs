using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using ChatSupport.Web.Turns;
using Microsoft.Extensions.DependencyInjection;

namespace ChatSupport.IntegrationTests;

public sealed class ObservabilityTests
{
    [Fact]
    public async Task Turns_AreMeasured_AndLogsHoldNoAnswerUserIdOrFreeText()
    {
        await using var database = await TestDatabase.CreateAsync("postgres");
        await using var host = new WebHost(database, defaultQuestionnaire: "elderly-watch");
        var client = host.CreateClient();

        // This host's meter only: other tests' hosts run in parallel in this process with meters of the same name.
        var meter = host.Services.GetRequiredService<TurnMetrics>().Meter;
        var turns = 0L;
        var durations = new List<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) => { if (ReferenceEquals(instrument.Meter, meter)) l.EnableMeasurementEvents(instrument); };
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => { if (i.Name == "chatsupport.turns") Interlocked.Add(ref turns, v); });
        listener.SetMeasurementEventCallback<double>((i, v, _, _) => { if (i.Name == "chatsupport.turn.duration") lock (durations) durations.Add(v); });
        listener.Start();
        string[] script = ["開始", "同意する", "良い", "スキップ", "はい", "はい", "特になし", "スキップ", "いいえ", "ひみつのメモ12345"];
        foreach (var say in script)
        {
            var activity = WebHost.Activity(say, conversation: "secret-conversation-42");
            activity["from"]!["id"] = "Uprivate-line-user-0042";
            (await client.PostAsJsonAsync("/api/messages", activity)).EnsureSuccessStatusCode();
        }

        Assert.Equal(script.Length, Interlocked.Read(ref turns));
        Assert.Equal(script.Length, durations.Count);
        Assert.All(durations, d => Assert.True(d > 0));
        Assert.NotEmpty(host.Logs);
        foreach (var secret in new[] { "Uprivate-line-user-0042", "secret-conversation-42", "ひみつのメモ12345", "同意する" })
            Assert.DoesNotContain(host.Logs, line => line.Contains(secret, StringComparison.Ordinal));
    }

    /// <summary>A turn that fails the way a bug would, with the resident's id and words in the exception's message.</summary>
    private sealed class FailingTurnRunner : ChatSupport.Channels.ITurnRunner
    {
        public Task<IReadOnlyList<ChatSupport.Activities.Activity>> RunAsync(ChatSupport.Activities.Activity activity, CancellationToken cancellationToken) =>
            throw new InvalidOperationException($"State of '{activity.From!.Id}' broke on \"{activity.Text}\" (call 090-1234-5678, mail taro@example.jp)");
    }

    [Fact]
    public async Task AnUnhandledError_Is500WithProblemDetails_AndLogsItsStackFrames_WithoutPersonalData()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var host = new WebHost(database, services: s => s.AddSingleton<ChatSupport.Channels.ITurnRunner, FailingTurnRunner>());
        var activity = WebHost.Activity("ひみつのメモ12345", conversation: "secret-conversation-42");
        activity["from"]!["id"] = "Uprivate-line-user-0042";

        var response = await host.CreateClient().PostAsJsonAsync("/api/messages", activity);

        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Uprivate-line-user-0042", body, StringComparison.Ordinal);
        Assert.DoesNotContain("FailingTurnRunner", body, StringComparison.Ordinal);
        // The operator's line: the exception's type, the frame that threw (method, file and line), the endpoint.
        var error = Assert.Single(host.Logs, l => l.Contains("System.InvalidOperationException", StringComparison.Ordinal));
        Assert.Contains("FailingTurnRunner.RunAsync", error, StringComparison.Ordinal);
        Assert.Matches(@"ObservabilityTests\.cs:line \d+", error);
        Assert.Contains("/api/messages", error, StringComparison.Ordinal);
        Assert.Contains("broke on", error, StringComparison.Ordinal); // what is left of the message
        foreach (var secret in new[] { "Uprivate-line-user-0042", "ひみつのメモ12345", "090-1234-5678", "taro@example.jp", "secret-conversation-42" })
            Assert.DoesNotContain(host.Logs, line => line.Contains(secret, StringComparison.Ordinal));
    }
}

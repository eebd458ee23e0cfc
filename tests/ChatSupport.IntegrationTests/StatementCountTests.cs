using ChatSupport.Persistence;
using static ChatSupport.IntegrationTests.ConversationOnDatabaseTests;

namespace ChatSupport.IntegrationTests;

/// <summary>
/// What one turn costs the database: SQL statements in its one transaction, counted as the driver sends them
/// (the model's commands and the plain SQL of the turn path alike).
/// </summary>
public sealed class StatementCountTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task AnAnswerTurn_CostsAtMostSixStatements(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var at = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.FromHours(9));
        foreach (var (say, i) in new[] { "開始", "同意する", "今日から", "無し" }.Select((s, i) => (s, i)))
            await TurnAsync(database, null, say, at.AddMinutes(i));

        var counter = new StatementCounter();
        var replies = await TurnAsync(database, null, "70", at.AddMinutes(10), null, counter);

        Assert.Equal("性別を教えてください。", replies.Single().Text);
        output.WriteLine($"{provider}: {counter.Statements.Count} statements");
        foreach (var statement in counter.Statements) output.WriteLine(statement.Split('\n')[0]);
        // The counter sees the turn's real work: the state read and write and the answer.
        Assert.Contains(counter.Statements, s => s.StartsWith("SELECT key, json, version FROM state_documents", StringComparison.Ordinal));
        Assert.Contains(counter.Statements, s => s.StartsWith("UPDATE state_documents", StringComparison.Ordinal));
        Assert.Contains(counter.Statements, s => s.StartsWith("INSERT INTO", StringComparison.Ordinal) && s.Contains("answers", StringComparison.Ordinal));
        Assert.True(counter.Statements.Count <= 6, $"{counter.Statements.Count} statements:\n{string.Join("\n---\n", counter.Statements)}");
    }
}

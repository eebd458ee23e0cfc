using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using static ChatSupport.IntegrationTests.ConversationOnDatabaseTests;

namespace ChatSupport.IntegrationTests;

/// <summary>What one turn costs the database: SQL statements in its one transaction.</summary>
public sealed class StatementCountTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private sealed class Counter : DbCommandInterceptor
    {
        public List<string> Statements { get; } = [];

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Statements.Add(command.CommandText);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Statements.Add(command.CommandText);
            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            Statements.Add(command.CommandText);
            return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
        }
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task AnAnswerTurn_CostsAtMostSixStatements(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var at = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.FromHours(9));
        foreach (var (say, i) in new[] { "開始", "同意する", "今日から", "無し" }.Select((s, i) => (s, i)))
            await TurnAsync(database, null, say, at.AddMinutes(i));

        var counter = new Counter();
        var replies = await TurnAsync(database, null, "70", at.AddMinutes(10), null, counter);

        Assert.Equal("性別を教えてください。", replies.Single().Text);
        output.WriteLine($"{provider}: {counter.Statements.Count} statements");
        foreach (var statement in counter.Statements) output.WriteLine(statement.Split('\n')[0]);
        Assert.True(counter.Statements.Count <= 6, $"{counter.Statements.Count} statements:\n{string.Join("\n---\n", counter.Statements)}");
    }
}

using ChatSupport.Persistence;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChatSupport.IntegrationTests;

/// <summary>
/// Hangfire has a connection pool of its own (PostgreSQL): turns that hold every connection of theirs cannot keep a
/// recurring job from running, and a small Maximum Pool Size for turns does not shrink Hangfire's below its workers.
/// </summary>
public sealed class JobsPoolTests
{
    [Fact]
    public async Task ARecurringJob_Runs_WhileTurnsHoldEveryConnectionOfTheirPool()
    {
        await using var database = await TestDatabase.CreateAsync("postgres");
        // The turns' pool: 3 connections, and a wait for one gives up after a second. The string already carries the
        // turns' own tuning (DatabaseRegistration.Tuned), so that it is the very pool Hangfire would share without one of its own.
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:ChatSupport"] = database.ConnectionString + ";Maximum Pool Size=3;Timeout=1;No Reset On Close=true;Max Auto Prepare=64;Auto Prepare Min Usages=2",
            ["ChatSupport:Role"] = "all",
        };
        await using var host = new WebHost(database, settings: settings);
        _ = host.CreateClient();
        var contexts = host.Services.GetRequiredService<IDbContextFactory<ChatSupportDbContext>>();
        var held = new List<ChatSupportDbContext>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var db = await contexts.CreateDbContextAsync();
                held.Add(db);
                await db.Database.OpenConnectionAsync();
            }
            // The barrier: the turns' pool is exhausted.
            await using (var fourth = await contexts.CreateDbContextAsync())
                await Assert.ThrowsAnyAsync<Exception>(() => fourth.Database.OpenConnectionAsync());

            var jobs = host.Services.GetRequiredService<IRecurringJobManagerV2>();
            jobs.AddOrUpdate("pool-test", () => PoolTestJob.Run(), Cron.Never());
            jobs.Trigger("pool-test");
            Assert.Same(PoolTestJob.Ran.Task, await Task.WhenAny(PoolTestJob.Ran.Task, Task.Delay(TimeSpan.FromSeconds(60))));
        }
        finally
        {
            foreach (var db in held) await db.DisposeAsync();
        }
    }
}

/// <summary>The recurring job of <see cref="JobsPoolTests"/>: it only says that it ran (it needs no connection of the turns' pool).</summary>
public static class PoolTestJob
{
    public static readonly TaskCompletionSource Ran = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static void Run() => Ran.TrySetResult();
}

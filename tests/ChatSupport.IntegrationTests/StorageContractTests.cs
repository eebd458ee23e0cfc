using System.Text.Json.Nodes;
using ChatSupport.Persistence.Stores;
using ChatSupport.State;

namespace ChatSupport.IntegrationTests;

/// <summary>The <see cref="IStorage"/> contract, on MemoryStorage and on real PostgreSQL and SQLite.</summary>
public sealed class StorageContractTests
{
    public static TheoryData<string> Providers() => ["memory", "postgres", "sqlite"];

    /// <summary>A storage whose each use may open its own connection, as concurrent turns do.</summary>
    private sealed class Subject : IAsyncDisposable
    {
        private readonly TestDatabase? _db;
        private readonly MemoryStorage? _memory;
        private readonly List<IAsyncDisposable> _contexts = [];

        private Subject(TestDatabase? db) { _db = db; _memory = db is null ? new MemoryStorage() : null; }

        public static async Task<Subject> CreateAsync(string provider) =>
            new(provider == "memory" ? null : await TestDatabase.CreateAsync(provider));

        /// <summary>A storage on a connection of its own (the same instance for memory).</summary>
        public IStorage NewStorage()
        {
            if (_memory is not null) return _memory;
            var context = _db!.Open();
            lock (_contexts) _contexts.Add(context);
            return new EfStorage(context, TimeProvider.System);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var c in _contexts) await c.DisposeAsync();
            if (_db is not null) await _db.DisposeAsync();
        }
    }

    private static Dictionary<string, StoreItem> One(string key, string json, string? etag) => new() { [key] = new StoreItem(json, etag) };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task StaleETag_IsRejected_AndTheStoredDocumentIsKept(string provider)
    {
        await using var subject = await Subject.CreateAsync(provider);
        var storage = subject.NewStorage();
        await storage.WriteAsync(One("k", "{\"n\":1}", null));
        var read = (await storage.ReadAsync(["k"]))["k"];
        await storage.WriteAsync(One("k", "{\"n\":2}", read.ETag));
        await Assert.ThrowsAsync<StorageConflictException>(() => storage.WriteAsync(One("k", "{\"n\":3}", read.ETag)));
        Assert.Equal("{\"n\":2}", (await subject.NewStorage().ReadAsync(["k"]))["k"].Json);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task NullETag_CreatesOnly_StarOverwrites_AndDeleteRemoves(string provider)
    {
        await using var subject = await Subject.CreateAsync(provider);
        var storage = subject.NewStorage();
        await storage.WriteAsync(One("k", "{}", null));
        await Assert.ThrowsAsync<StorageConflictException>(() => storage.WriteAsync(One("k", "{\"x\":1}", null)));
        await storage.WriteAsync(One("k", "{\"x\":2}", "*"));
        Assert.Equal("{\"x\":2}", (await storage.ReadAsync(["k"]))["k"].Json);
        await storage.DeleteAsync(["k"]);
        Assert.Empty(await storage.ReadAsync(["k"]));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AWriteOfSeveralDocuments_IsAllOrNothing(string provider)
    {
        await using var subject = await Subject.CreateAsync(provider);
        var storage = subject.NewStorage();
        await storage.WriteAsync(One("a", "{}", null));
        await Assert.ThrowsAsync<StorageConflictException>(() => storage.WriteAsync(new Dictionary<string, StoreItem>
        {
            ["b"] = new("{}", null),
            ["a"] = new("{}", "999"),
        }));
        Assert.Empty(await subject.NewStorage().ReadAsync(["b"]));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task JapaneseText_IsStoredAsItIs(string provider)
    {
        await using var subject = await Subject.CreateAsync(provider);
        var json = "{\"text\":\"37.5℃以上の発熱・２２０－００１２・👍🏽\"}";
        await subject.NewStorage().WriteAsync(One("utf8", json, null));
        Assert.Equal(json, (await subject.NewStorage().ReadAsync(["utf8"]))["utf8"].Json);
    }

    /// <summary>
    /// 50 writers, each on its own connection, increment one document at once: a writer whose eTag is stale is
    /// refused and retries on the new state. No increment may be lost and none counted twice.
    /// </summary>
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task FiftyConcurrentWriters_OnOneDocument_LoseNoUpdate(string provider)
    {
        await using var subject = await Subject.CreateAsync(provider);
        await subject.NewStorage().WriteAsync(One("counter", "{\"n\":0}", null));
        var conflicts = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 50), new ParallelOptions { MaxDegreeOfParallelism = 50 }, async (_, ct) =>
        {
            var storage = subject.NewStorage();
            for (var attempt = 0; attempt < 500; attempt++)
            {
                var item = (await storage.ReadAsync(["counter"], ct))["counter"];
                var n = JsonNode.Parse(item.Json)!["n"]!.GetValue<int>();
                try
                {
                    await storage.WriteAsync(One("counter", $"{{\"n\":{n + 1}}}", item.ETag), ct);
                    return;
                }
                catch (StorageConflictException)
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
            Assert.Fail("A writer could not write in 500 attempts.");
        });
        var final = (await subject.NewStorage().ReadAsync(["counter"]))["counter"];
        Assert.Equal(50, JsonNode.Parse(final.Json)!["n"]!.GetValue<int>());
        if (provider != "memory") Assert.Equal("51", final.ETag);
    }

    /// <summary>
    /// In a turn on PostgreSQL the state writes wait in the turn's batch until just before the commit. A write whose
    /// version another turn changed in the meantime fails the flush, and nothing of the turn is committed.
    /// </summary>
    [Fact]
    public async Task ADeferredWrite_ThatLostTheRace_FailsTheFlush_AndNothingOfTheTurnCommits()
    {
        await using var database = await TestDatabase.CreateAsync("postgres");
        await using (var setup = database.Open()) await new EfStorage(setup, TimeProvider.System).WriteAsync(One("k", "{\"n\":1}", null));

        await using var turn = database.Open();
        await using var transaction = await turn.Database.BeginTransactionAsync();
        var batch = new TurnBatch(turn);
        var storage = new EfStorage(turn, TimeProvider.System, batch);
        var read = (await storage.ReadAsync(["k"]))["k"];
        await storage.WriteAsync(new Dictionary<string, StoreItem> { ["k"] = new("{\"n\":2}", read.ETag), ["new"] = new("{}", null) });
        Assert.Equal(2, batch.Count); // deferred, not yet sent

        await using (var other = database.Open())
            await new EfStorage(other, TimeProvider.System).WriteAsync(One("k", "{\"n\":9}", read.ETag));

        await Assert.ThrowsAsync<StorageConflictException>(() => batch.FlushAsync(CancellationToken.None));
        await transaction.RollbackAsync();
        await using var check = database.Open();
        var after = await new EfStorage(check, TimeProvider.System).ReadAsync(["k", "new"]);
        Assert.Equal("{\"n\":9}", Assert.Single(after).Value.Json);
    }
}

using ChatSupport.Activities;
using ChatSupport.Bots;
using ChatSupport.State;

namespace ChatSupport.UnitTests.Engine;

public sealed class StateTests
{
    [Fact]
    public async Task MemoryStorage_RejectsAWriteWithAStaleETag()
    {
        var storage = new MemoryStorage();
        await storage.WriteAsync(new Dictionary<string, StoreItem> { ["k"] = new("{\"n\":1}", null) });
        var read = (await storage.ReadAsync(["k"]))["k"];
        await storage.WriteAsync(new Dictionary<string, StoreItem> { ["k"] = new("{\"n\":2}", read.ETag) });
        await Assert.ThrowsAsync<StorageConflictException>(() => storage.WriteAsync(new Dictionary<string, StoreItem> { ["k"] = new("{\"n\":3}", read.ETag) }));
        Assert.Equal("{\"n\":2}", (await storage.ReadAsync(["k"]))["k"].Json);
    }

    [Fact]
    public async Task MemoryStorage_NullETagMeansCreateOnly_StarMeansOverwrite()
    {
        var storage = new MemoryStorage();
        await storage.WriteAsync(new Dictionary<string, StoreItem> { ["k"] = new("{}", null) });
        await Assert.ThrowsAsync<StorageConflictException>(() => storage.WriteAsync(new Dictionary<string, StoreItem> { ["k"] = new("{\"x\":1}", null) }));
        await storage.WriteAsync(new Dictionary<string, StoreItem> { ["k"] = new("{\"x\":2}", "*") });
        Assert.Equal("{\"x\":2}", (await storage.ReadAsync(["k"]))["k"].Json);
    }

    [Fact]
    public async Task MemoryStorage_WritesAllOrNothing_WhenOneItemConflicts()
    {
        var storage = new MemoryStorage();
        await storage.WriteAsync(new Dictionary<string, StoreItem> { ["a"] = new("{}", null) });
        await Assert.ThrowsAsync<StorageConflictException>(() => storage.WriteAsync(new Dictionary<string, StoreItem>
        {
            ["b"] = new("{}", null),
            ["a"] = new("{}", "stale"),
        }));
        Assert.Empty(await storage.ReadAsync(["b"]));
    }

    [Fact]
    public async Task ConversationState_TwoTurnsThatReadTheSameVersion_OnlyOneCanSave()
    {
        var storage = new MemoryStorage();
        var state = new ConversationState(storage);
        var counter = state.CreateProperty<int>("count");
        var adapter = new BufferedAdapter();
        var activity = new Activity { Type = ActivityTypes.Message, ChannelId = "c", Conversation = new ConversationAccount("x"), From = new ChannelAccount("u") };
        var first = new TurnContext(adapter, activity);
        var second = new TurnContext(adapter, activity);
        await counter.SetAsync(first, await counter.GetAsync(first, () => 0) + 1);
        await counter.SetAsync(second, await counter.GetAsync(second, () => 0) + 1);
        await state.SaveChangesAsync(first);
        await Assert.ThrowsAsync<StorageConflictException>(() => state.SaveChangesAsync(second));

        var third = new TurnContext(adapter, activity);
        Assert.Equal(1, await counter.GetAsync(third));
    }

    [Fact]
    public async Task BotState_DoesNotWrite_WhenNothingChanged()
    {
        var storage = new MemoryStorage();
        var state = new UserState(storage);
        var adapter = new BufferedAdapter();
        var activity = new Activity { Type = ActivityTypes.Message, ChannelId = "c", Conversation = new ConversationAccount("x"), From = new ChannelAccount("u") };
        var ctx = new TurnContext(adapter, activity);
        await state.CreateProperty<string>("name").SetAsync(ctx, "a");
        await state.SaveChangesAsync(ctx);
        var etag = (await storage.ReadAsync(["c/users/u"]))["c/users/u"].ETag;
        var again = new TurnContext(adapter, activity);
        Assert.Equal("a", await state.CreateProperty<string>("name").GetAsync(again));
        await state.SaveChangesAsync(again);
        Assert.Equal(etag, (await storage.ReadAsync(["c/users/u"]))["c/users/u"].ETag);
    }
}

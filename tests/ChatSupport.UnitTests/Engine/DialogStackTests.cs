using ChatSupport.Activities;
using ChatSupport.Bots;
using ChatSupport.Dialogs;
using ChatSupport.Dialogs.Prompts;
using ChatSupport.State;
using System.Text.Json.Nodes;

namespace ChatSupport.UnitTests.Engine;

public sealed class DialogStackTests
{
    /// <summary>A bot built anew for every turn from the same storage: nothing survives a turn but the JSON state.</summary>
    private sealed class FreshBotPerTurn(MemoryStorage storage, Func<DialogSet, string> configure) : IBot
    {
        public async Task OnTurnAsync(ITurnContext turnContext, CancellationToken cancellationToken = default)
        {
            var conversation = new ConversationState(storage);
            var dialogs = new DialogSet(conversation.CreateProperty<JsonArray>("stack"));
            var root = configure(dialogs);
            var dc = await dialogs.CreateContextAsync(turnContext, cancellationToken);
            if (turnContext.Activity.Text == "cancel")
            {
                var cancelled = await dc.CancelAllDialogsAsync(cancellationToken);
                await turnContext.SendActivityAsync(Activity.CreateMessageActivity($"cancelled:{cancelled.Status}"), cancellationToken);
            }
            else
            {
                var result = await dc.ContinueDialogAsync(cancellationToken);
                if (result.Status == DialogTurnStatus.Empty) result = await dc.BeginDialogAsync(root, null, cancellationToken);
                if (result.Status == DialogTurnStatus.Complete)
                    await turnContext.SendActivityAsync(Activity.CreateMessageActivity($"done:{result.Result}"), cancellationToken);
            }
            await conversation.SaveChangesAsync(turnContext, cancellationToken);
        }
    }

    private static PromptOptions Ask(string text, int maxAttempts = 0, string? retry = null) => new()
    {
        Prompt = Activity.CreateMessageActivity(text),
        RetryPrompt = retry is null ? null : Activity.CreateMessageActivity(retry),
        MaxAttempts = maxAttempts,
    };

    private static string ProfileWaterfall(DialogSet dialogs)
    {
        dialogs.Add(new TextPrompt("name"));
        dialogs.Add(new NumberPrompt("age", async (ctx, ct) =>
        {
            if (ctx.Recognized.Value >= 18) return true;
            await ctx.Context.SendActivityAsync(Activity.CreateMessageActivity("18歳以上の方が対象です。"), ct);
            return false;
        }));
        dialogs.Add(new WaterfallDialog("profile",
        [
            (step, ct) => step.BeginDialogAsync("name", Ask("お名前は？"), ct),
            (step, ct) => { step.Values["name"] = (string)step.Result!; return step.BeginDialogAsync("age", Ask("年齢は？", 3, "数字でお願いします。"), ct); },
            (step, ct) => step.EndDialogAsync(step.Result is TooManyAttempts ? "gave-up" : $"{step.Values["name"]}/{step.Result}", ct),
        ]));
        return "profile";
    }

    [Fact]
    public async Task Waterfall_CollectsValuesAcrossTurns_WhenBotIsRebuiltEveryTurn()
    {
        var storage = new MemoryStorage();
        await new TestFlow(new FreshBotPerTurn(storage, ProfileWaterfall))
            .Send("hi").AssertReply("お名前は？")
            .Send("花子").AssertReply("年齢は？")
            .Send("７０歳").AssertReply("done:花子/70")
            .StartTestAsync();
    }

    [Fact]
    public async Task Prompt_SendsRetryPrompt_WhenInputIsNotRecognised()
    {
        var storage = new MemoryStorage();
        await new TestFlow(new FreshBotPerTurn(storage, ProfileWaterfall))
            .Send("hi").AssertReply("お名前は？")
            .Send("太郎").AssertReply("年齢は？")
            .Send("たくさん").AssertReply("数字でお願いします。")
            .Send("40").AssertReply("done:太郎/40")
            .StartTestAsync();
    }

    [Fact]
    public async Task NumberPrompt_RefusesNumbersNoStoreKeeps_EvenWithoutAMax()
    {
        var storage = new MemoryStorage();
        await new TestFlow(new FreshBotPerTurn(storage, ProfileWaterfall))
            .Send("hi").AssertReply("お名前は？")
            .Send("四郎").AssertReply("年齢は？")
            .Send("99999999999999").AssertReply("数字でお願いします。")
            .Send("45").AssertReply("done:四郎/45")
            .StartTestAsync();
    }

    [Fact]
    public async Task Validator_SendsItsOwnMessage_AndRetryIsNotAdded()
    {
        var storage = new MemoryStorage();
        await new TestFlow(new FreshBotPerTurn(storage, ProfileWaterfall))
            .Send("hi").AssertReply("お名前は？")
            .Send("次郎").AssertReply("年齢は？")
            .Send("12").AssertReply("18歳以上の方が対象です。")
            .Send("30").AssertReply("done:次郎/30")
            .StartTestAsync();
    }

    [Fact]
    public async Task Prompt_EndsWithTooManyAttempts_AfterMaxAttempts()
    {
        var storage = new MemoryStorage();
        await new TestFlow(new FreshBotPerTurn(storage, ProfileWaterfall))
            .Send("hi").AssertReply("お名前は？")
            .Send("三郎").AssertReply("年齢は？")
            .Send("x").AssertReply("数字でお願いします。")
            .Send("y").AssertReply("数字でお願いします。")
            .Send("z").AssertReply("done:gave-up")
            .StartTestAsync();
    }

    [Fact]
    public async Task CancelAllDialogs_EmptiesTheStack_AndTheNextMessageStartsOver()
    {
        var storage = new MemoryStorage();
        await new TestFlow(new FreshBotPerTurn(storage, ProfileWaterfall))
            .Send("hi").AssertReply("お名前は？")
            .Send("cancel").AssertReply("cancelled:Cancelled")
            .Send("hello").AssertReply("お名前は？")
            .StartTestAsync();
    }

    private static string Component(DialogSet dialogs) => Component(dialogs, ListStyle.SuggestedAction);

    private static string Component(DialogSet dialogs, ListStyle style)
    {
        dialogs.Add(new GreetingComponent(style));
        return "greeting";
    }

    private sealed class GreetingComponent : ComponentDialog
    {
        public GreetingComponent(ListStyle style) : base("greeting")
        {
            AddDialog(new WaterfallDialog("inner",
            [
                (step, ct) => step.BeginDialogAsync("choice", new PromptOptions
                {
                    Prompt = Activity.CreateMessageActivity("好きな季節は？"),
                    Choices = [new Choice("spring", "春") { Synonyms = ["はる"] }, new Choice("summer", "夏"), new Choice("autumn", "秋")],
                    Style = style,
                }, ct),
                (step, ct) => step.EndDialogAsync(step.Result, ct),
            ]));
            AddDialog(new ChoicePrompt("choice"));
        }
    }

    [Theory]
    [InlineData("春", "spring")]
    [InlineData("はる", "spring")]
    [InlineData("ハル", "spring")]
    [InlineData("夏。", "summer")]
    public async Task ComponentDialog_KeepsItsInnerStackInState_AndChoicePromptRecognisesLabelAndSynonym(string input, string expected)
    {
        var storage = new MemoryStorage();
        await new TestFlow(new FreshBotPerTurn(storage, Component))
            .Send("hi").AssertReply(a =>
            {
                Assert.Equal("好きな季節は？", a.Text);
                Assert.Equal(["春", "夏", "秋"], a.SuggestedActions!.Actions.Select(x => x.Title));
            })
            .Send(input).AssertReply($"done:{expected}")
            .StartTestAsync();
        var stored = (await storage.ReadAsync(["test/conversations/conv1"]))["test/conversations/conv1"].Json;
        Assert.Equal("""{"stack":[]}""", stored);
    }

    [Theory]
    [InlineData("2", "summer")]
    [InlineData("３", "autumn")]
    [InlineData("1番", "spring")]
    public async Task ChoicePrompt_TakesANumber_WhenChoicesAreANumberedList(string input, string expected)
    {
        var storage = new MemoryStorage();
        await new TestFlow(new FreshBotPerTurn(storage, d => Component(d, ListStyle.List)))
            .Send("hi").AssertReply("好きな季節は？\n1. 春\n2. 夏\n3. 秋")
            .Send(input).AssertReply($"done:{expected}")
            .StartTestAsync();
    }

    [Fact]
    public async Task ChoicePrompt_DoesNotTakeANumber_WhenChoicesAreButtons()
    {
        var storage = new MemoryStorage();
        await new TestFlow(new FreshBotPerTurn(storage, Component))
            .Send("hi").AssertReply("好きな季節は？")
            .Send("2").AssertReply("好きな季節は？")
            .Send("夏").AssertReply("done:summer")
            .StartTestAsync();
    }

    private static string Loop(DialogSet dialogs)
    {
        dialogs.Add(new TextPrompt("text"));
        dialogs.Add(new WaterfallDialog("loop",
        [
            (step, ct) => step.BeginDialogAsync("text", Ask("もう一度？"), ct),
            (step, ct) => (string)step.Result! == "終わり" ? step.EndDialogAsync("loop-ended", ct) : step.Context.ReplaceDialogAsync("loop", null, ct),
        ]));
        return "loop";
    }

    [Fact]
    public async Task ReplaceDialog_RestartsTheDialogInPlace_WithoutGrowingTheStack()
    {
        var storage = new MemoryStorage();
        await new TestFlow(new FreshBotPerTurn(storage, Loop))
            .Send("hi").AssertReply("もう一度？")
            .Send("a").AssertReply("もう一度？")
            .Send("b").AssertReply("もう一度？")
            .StartTestAsync();
        var stack = JsonNode.Parse((await storage.ReadAsync(["test/conversations/conv1"]))["test/conversations/conv1"].Json)!["stack"]!.AsArray();
        Assert.Equal(["text", "loop"], stack.Select(n => n!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task MultiChoicePrompt_TogglesOptions_AndExclusiveOptionClearsOthers()
    {
        var storage = new MemoryStorage();
        string Multi(DialogSet dialogs)
        {
            dialogs.Add(new MultiChoicePrompt("multi"));
            dialogs.Add(new WaterfallDialog("w",
            [
                (step, ct) => step.BeginDialogAsync("multi", new PromptOptions
                {
                    Prompt = Activity.CreateMessageActivity("選んでください"),
                    Choices = [new Choice("a", "A"), new Choice("b", "B"), new Choice("none", "なし") { Exclusive = true }],
                    Style = ListStyle.List,
                    Locale = "ja",
                }, ct),
                (step, ct) => step.EndDialogAsync(string.Join("+", (IReadOnlyList<string>)step.Result!), ct),
            ]));
            return "w";
        }
        await new TestFlow(new FreshBotPerTurn(storage, Multi))
            .Send("hi").AssertReply("選んでください")
            .Send("B").AssertReplyContains("選択中：B")
            .Send("A").AssertReplyContains("選択中：A、B")
            .Send("B").AssertReplyContains("選択中：A")
            .Send("回答終了").AssertReply("done:a")
            .Send("again").AssertReply("選んでください")
            .Send("A").AssertReplyContains("選択中：A")
            .Send("なし").AssertReply("done:none")
            .Send("again").AssertReply("選んでください")
            .Send("3、1").AssertReply("選んでください")    // "none" with another: asked again
            .Send("1、2").AssertReply("done:a+b")
            .StartTestAsync();
    }

    private sealed class SelfCancellingComponent : ComponentDialog
    {
        public SelfCancellingComponent() : base("comp")
        {
            AddDialog(new WaterfallDialog("inner",
            [
                (step, ct) => step.BeginDialogAsync("text", Ask("続けますか？"), ct),
                (step, ct) => (string)step.Result! == "やめる" ? step.Context.CancelAllDialogsAsync(ct) : step.EndDialogAsync("continued", ct),
            ]));
            AddDialog(new TextPrompt("text"));
        }
    }

    [Fact]
    public async Task ComponentDialog_Ends_WhenItsInnerStackIsCancelledFromInside()
    {
        var storage = new MemoryStorage();
        await new TestFlow(new FreshBotPerTurn(storage, d => { d.Add(new SelfCancellingComponent()); return "comp"; }))
            .Send("hi").AssertReply("続けますか？")
            .Send("やめる").AssertReply("done:")
            .Send("hi").AssertReply("続けますか？")
            .StartTestAsync();
        var stack = JsonNode.Parse((await storage.ReadAsync(["test/conversations/conv1"]))["test/conversations/conv1"].Json)!["stack"]!.AsArray();
        // One live component with its prompt inside; no dead component left beneath it.
        Assert.Equal(["comp"], stack.Select(n => n!["id"]!.GetValue<string>()));
        Assert.Equal("text", (string?)stack[0]!["state"]!["dialogs"]![0]!["id"]);
    }

    [Fact]
    public async Task Waterfall_IgnoresNonMessageActivities_AndKeepsItsOptionsAcrossTurns()
    {
        var storage = new MemoryStorage();
        string Steps(DialogSet dialogs)
        {
            dialogs.Add(new WaterfallDialog("w",
            [
                (step, ct) => { step.Context.Context.SendActivityAsync(Activity.CreateMessageActivity("一歩目"), ct); return Task.FromResult(Dialog.EndOfTurn); },
                (step, ct) => step.EndDialogAsync($"{step.Options!["greeting"]}/{step.Result}", ct),
            ]));
            dialogs.Add(new WaterfallDialog("root", [(step, ct) => step.BeginDialogAsync("w", new { greeting = "こんにちは" }, ct), (step, ct) => step.EndDialogAsync(step.Result, ct)]));
            return "root";
        }
        await new TestFlow(new FreshBotPerTurn(storage, Steps))
            .Send("hi").AssertReply("一歩目")
            .Send(new Activity { Type = ActivityTypes.Typing }).AssertNoReply()
            .Send("次").AssertReply("done:こんにちは/次")
            .StartTestAsync();
    }
}

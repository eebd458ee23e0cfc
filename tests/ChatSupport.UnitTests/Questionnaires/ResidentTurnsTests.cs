using System.Text.Json;
using ChatSupport.Activities;
using ChatSupport.Bots;
using ChatSupport.FollowUps;
using ChatSupport.Questionnaires;
using ChatSupport.Residents;
using ChatSupport.State;

namespace ChatSupport.UnitTests.Questionnaires;

/// <summary>
/// What residents ran into in LINE (issue 13, points 10–15), at the engine: which questionnaires a bot offers,
/// messages without text, text after finishing, resuming, and how answers are echoed.
/// </summary>
public sealed class ResidentTurnsTests
{
    private static readonly string[] SelfCheck = ["同意する", "無し", "無し", "40", "男性", "学生", "下記いずれも該当なし", "2200012", "いずれも行っていない"];

    /// <summary>One resident and a bot with the given options (as a LINE tenant's or the host's), over JSON state.</summary>
    private sealed class Resident(QuestionnaireBotOptions options, string? locale = null)
    {
        private readonly MemoryStorage _storage = new();
        private readonly InMemoryResponseHistory _history = new();
        private readonly Sink _sink = new();
        private int _sequence;
        private DateTimeOffset _now = new(2026, 11, 20, 10, 0, 0, TimeSpan.FromHours(9));

        public IReadOnlyList<ResponseEvent> Events => _sink.All;

        public Task<IReadOnlyList<Activity>> JoinAsync()
        {
            var a = New(ActivityTypes.ConversationUpdate);
            a.MembersAdded = [new ChannelAccount("resident-1")];
            return SendAsync(a);
        }

        public Task<IReadOnlyList<Activity>> SayAsync(string text)
        {
            var a = New(ActivityTypes.Message);
            a.Text = text;
            return SendAsync(a);
        }

        public async Task AnswerAllAsync(IEnumerable<string> inputs)
        {
            foreach (var input in inputs) await SayAsync(input);
        }

        /// <summary>A button that starts a questionnaire (LINE: the postback <c>questionnaire=…</c>).</summary>
        public Task<IReadOnlyList<Activity>> TapStartAsync(string questionnaire)
        {
            var a = New(ActivityTypes.Message);
            a.Text = "questionnaire=" + questionnaire;
            a.Value = JsonSerializer.SerializeToElement(new { questionnaire });
            return SendAsync(a);
        }

        /// <summary>A sticker (LINE maps it to a message with only its kind).</summary>
        public Task<IReadOnlyList<Activity>> SendStickerAsync()
        {
            var a = New(ActivityTypes.Message);
            a.Attachments = [new Attachment { ContentType = "application/vnd.line.sticker" }];
            return SendAsync(a);
        }

        private async Task<IReadOnlyList<Activity>> SendAsync(Activity activity)
        {
            var bot = new QuestionnaireBot(Shipped.Catalog, new ConversationState(_storage), new UserState(_storage), _history, options, _sink);
            return await new BufferedAdapter().ProcessActivityAsync(ActivityJson.Deserialize(ActivityJson.Serialize(activity)), bot);
        }

        private Activity New(string type)
        {
            _now = _now.AddSeconds(1);
            return new Activity
            {
                Type = type, Id = $"a{++_sequence}", Timestamp = _now, ChannelId = "line", Locale = locale,
                From = new ChannelAccount("resident-1"), Recipient = new ChannelAccount("bot"), Conversation = new ConversationAccount("c1"),
            };
        }

        private sealed class Sink : IResponseEventSink
        {
            public List<ResponseEvent> All { get; } = [];
            public Task WriteAsync(IReadOnlyList<ResponseEvent> events, CancellationToken cancellationToken = default)
            {
                All.AddRange(events);
                return Task.CompletedTask;
            }
        }
    }

    private static QuestionnaireBotOptions Prefecture(params string[]? offered) =>
        new() { DefaultQuestionnaire = "covid19-selfcheck", Offered = offered is { Length: > 0 } ? [.. offered] : null };

    // ---- point 10: a tenant offers only its questionnaires ----

    [Fact]
    public void Unset_OffersTheDefault_AndTheQuestionnairesItsFollowUpsOpen()
    {
        Assert.Equal(["covid19-followup", "covid19-selfcheck"], Prefecture().OfferedIn(Shipped.Catalog).Order());
        Assert.Equal(["elderly-watch"], new QuestionnaireBotOptions { DefaultQuestionnaire = "elderly-watch" }.OfferedIn(Shipped.Catalog));
        // A list is taken as it is (unknown ids dropped), and the default is always in it.
        Assert.Equal(["covid19-selfcheck", "elderly-watch"], Prefecture("elderly-watch", "no-such-questionnaire").OfferedIn(Shipped.Catalog).Order());
    }

    [Fact]
    public async Task AnotherMunicipalitysButton_InTheMiddleOfAResponse_AsksTheSameQuestionAgain_AndKeepsTheAnswers()
    {
        var r = new Resident(Prefecture());
        await r.JoinAsync();
        await r.AnswerAllAsync(["同意する", "無し"]);
        var replies = await r.TapStartAsync("elderly-watch");
        Assert.StartsWith("強いだるさ", Assert.Single(replies).Text);
        Assert.DoesNotContain(r.Events, e => e is ResponseStarted { QuestionnaireId: "elderly-watch" });
        await r.AnswerAllAsync(SelfCheck[2..]);
        var done = Assert.Single(r.Events.OfType<ResponseCompleted>()).Outcome;
        Assert.Equal(("covid19-selfcheck", ResponseStatus.Completed), (done.QuestionnaireId, done.Status));
        Assert.Equal("none", done.Values["fever"]);
    }

    [Fact]
    public async Task AnotherMunicipalitysButton_OutsideAResponse_StartsOnlyTheTenantsOwn()
    {
        var r = new Resident(Prefecture());
        await r.JoinAsync();
        await r.AnswerAllAsync(SelfCheck);
        await r.TapStartAsync("elderly-watch");
        Assert.All(r.Events.OfType<ResponseStarted>(), e => Assert.Equal("covid19-selfcheck", e.QuestionnaireId));
        Assert.Equal(2, r.Events.OfType<ResponseStarted>().Count());
        // The tenant's own follow-up opens.
        await r.TapStartAsync("covid19-followup");
        Assert.Equal("covid19-followup", r.Events.OfType<ResponseStarted>().Last().QuestionnaireId);
    }

    [Fact]
    public async Task WhereTheCityIsOffered_ItsButtonStartsIt()
    {
        var r = new Resident(Prefecture("covid19-followup", "elderly-watch"));
        await r.JoinAsync();
        await r.SayAsync("同意する");
        var replies = await r.TapStartAsync("elderly-watch");
        Assert.StartsWith("毎日、体調と暮らしの様子を伺い", replies[^1].Text); // the city's own consent
        await r.SayAsync("同意する");
        Assert.Equal("elderly-watch", r.Events.OfType<ResponseStarted>().Last().QuestionnaireId);
    }

    [Fact]
    public async Task AFollowUpNeverOpensAQuestionnaireTheTenantDoesNotOffer()
    {
        // Offered: the self-check only (its follow-up questionnaire left out on purpose).
        var r = new Resident(Prefecture("covid19-selfcheck"));
        await r.JoinAsync();
        await r.AnswerAllAsync(["同意する", "今日から", "無し", "40", "男性", "学生", "下記いずれも該当なし", "2200012", "いずれも行っていない"]);
        var followUp = Assert.Single(r.Events.OfType<ResponseCompleted>()).Outcome.FollowUp!;
        Assert.False(followUp.Scheduled);
        Assert.Equal("not offered here: covid19-followup", followUp.Reason);

        // With it offered, the same answers schedule it.
        var offered = new Resident(Prefecture());
        await offered.JoinAsync();
        await offered.AnswerAllAsync(["同意する", "今日から", "無し", "40", "男性", "学生", "下記いずれも該当なし", "2200012", "いずれも行っていない"]);
        Assert.Equal("covid19-followup", offered.Events.OfType<ResponseCompleted>().Single().Outcome.FollowUp!.Questionnaire);
    }

    // ---- point 11: stickers, images, locations ----

    [Fact]
    public async Task ASticker_DuringAQuestion_SaysWhatTheBotUnderstands_AndAsksTheQuestionAgain_CountingNoAttempt()
    {
        var r = new Resident(Prefecture());
        await r.JoinAsync();
        await r.SayAsync("同意する");
        for (var i = 0; i < 4; i++)
        {
            var replies = await r.SendStickerAsync();
            Assert.Equal(2, replies.Count);
            Assert.Equal("申し訳ありません。スタンプや画像、位置情報などにはお答えできません。ボタンを押すか、文字でお答えください。", replies[0].Text);
            Assert.Equal("37.5℃以上の発熱はありますか？ある場合は、いつからか教えてください。", replies[1].Text);
            Assert.NotNull(replies[1].SuggestedActions);
        }
        Assert.DoesNotContain(r.Events, e => e is AnswerRecorded);
        await r.AnswerAllAsync(SelfCheck[1..]);
        Assert.Equal(ResponseStatus.Completed, r.Events.OfType<ResponseCompleted>().Single().Outcome.Status);
    }

    [Fact]
    public async Task ASticker_AfterFinishing_SaysHowToStart_InEnglishToo()
    {
        var r = new Resident(Prefecture(), "en-US");
        await r.JoinAsync();
        await r.AnswerAllAsync(["I agree", "No", "No", "40", "Male", "Student", "None of these", "2200012", "None of these"]);
        var replies = await r.SendStickerAsync();
        Assert.Equal("Sorry, I cannot read stickers, images, locations or files. Please tap a button or type your answer.", replies[0].Text);
        Assert.Equal("To report how you are, tap \"Start\" below.", replies[1].Text);
        Assert.Equal("Start", Assert.Single(replies[1].SuggestedActions!.Actions).Title);
        Assert.Single(r.Events.OfType<ResponseStarted>());
    }

    // ---- point 13: text after finishing ----

    [Fact]
    public async Task Thanks_AfterFinishing_GetsAShortAnswer_AndStartsNothing_UntilTheResidentAsks()
    {
        var r = new Resident(Prefecture());
        await r.JoinAsync();
        await r.AnswerAllAsync(SelfCheck);
        foreach (var text in new[] { "ありがとう", "はい", "無し" })
        {
            var reply = Assert.Single(await r.SayAsync(text));
            Assert.Equal("メッセージありがとうございます。\n体調の報告は、下の「開始」ボタンからいつでもできます。", reply.Text);
            var button = Assert.Single(reply.SuggestedActions!.Actions);
            Assert.Equal(("開始", "開始"), (button.Title, button.Value?.GetString()));
        }
        Assert.Single(r.Events.OfType<ResponseStarted>());
        Assert.DoesNotContain(r.Events.Skip(r.Events.ToList().FindIndex(e => e is ResponseCompleted) + 1), e => e is AnswerRecorded or ResponseStarted);

        var again = await r.SayAsync("開始");
        Assert.StartsWith("37.5℃以上の発熱", again[^1].Text);
        Assert.Equal(2, r.Events.OfType<ResponseStarted>().Count());
    }

    [Fact]
    public async Task Help_AfterFinishing_SaysHowToStart_WithoutStarting()
    {
        var r = new Resident(Prefecture());
        await r.JoinAsync();
        await r.AnswerAllAsync(SelfCheck);
        var reply = Assert.Single(await r.SayAsync("ヘルプ"));
        Assert.StartsWith("質問にはボタンを押すか", reply.Text);
        Assert.EndsWith("体調を報告するときは、下の「開始」ボタンを押してください。", reply.Text);
        Assert.Single(r.Events.OfType<ResponseStarted>());
    }

    // ---- point 12: never lose earlier answers ----

    [Fact]
    public async Task AnOptionalQuestionNotUnderstood_IsSkipped_AndTheResidentIsTold()
    {
        var r = new Resident(Prefecture());
        await r.JoinAsync();
        await r.AnswerAllAsync(["同意する", "無し", "無し", "40"]);
        await r.SayAsync("？");
        await r.SayAsync("わからない");
        var replies = await r.SayAsync("ひみつ"); // sex is optional: skipped after three tries
        Assert.Equal("お答えを読み取れなかったため、この質問はとばして次に進みます。", replies[0].Text);
        Assert.StartsWith("主なご職業", replies[^1].Text);
        Assert.Contains(r.Events, e => e is AnswerRecorded { QuestionId: "sex", Skipped: true });
    }

    [Fact]
    public async Task AConsentNotUnderstood_IsAskedAgain_NeverTakenAsDeclined()
    {
        var r = new Resident(Prefecture());
        await r.JoinAsync();
        foreach (var text in new[] { "えっ", "なに", "よくわからない", "うーん" })
            Assert.Contains("同意いただける場合", (await r.SayAsync(text))[^1].Text);
        Assert.DoesNotContain(r.Events, e => e is ResponseCompleted);
        await r.SayAsync("同意する");
        Assert.Contains(r.Events, e => e is ConsentGiven);
    }

    // ---- point 15: echoes ----

    [Fact]
    public void PostalCodes_AreEchoedAsWritten()
    {
        var question = Shipped.Catalog.Get("covid19-selfcheck").Questions.Single(q => q.Type == QuestionType.PostalCode);
        Assert.Equal("〒220-0012", MessageTemplate.Format("2200012", question, "ja"));
        Assert.Equal("220-0012", MessageTemplate.Format("2200012", question, "en"));
    }

    [Fact]
    public async Task TheLastPostalCode_IsOfferedAgainAsWritten()
    {
        var r = new Resident(Prefecture());
        await r.JoinAsync();
        await r.AnswerAllAsync(SelfCheck);
        await r.SayAsync("開始");
        var replies = new List<Activity>();
        foreach (var input in new[] { "無し", "無し", "前回と同じ", "前回と同じ", "前回と同じ", "前回と同じ" })
            replies.AddRange(await r.SayAsync(input));
        Assert.Contains(replies, a => a.Text?.Contains("（前回のお答え：〒220-0012）", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(replies, a => a.Text?.Contains("2200012", StringComparison.Ordinal) == true);
    }
}

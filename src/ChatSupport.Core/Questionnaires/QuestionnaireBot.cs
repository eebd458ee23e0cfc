using System.Text.Json.Nodes;
using ChatSupport.Activities;
using ChatSupport.Bots;
using ChatSupport.Dialogs;
using ChatSupport.Dialogs.Prompts;
using ChatSupport.Residents;
using ChatSupport.State;

namespace ChatSupport.Questionnaires;

/// <summary>
/// The resident-facing bot: greets new members, runs questionnaires on the dialog stack, answers global commands
/// at any point, and saves conversation and user state at the end of every turn (eTag-checked). It knows only the
/// questionnaires its options offer (<see cref="QuestionnaireBotOptions.OfferedIn"/>): no button, command, stored
/// conversation or follow-up can open another one, whatever channel the turn came from.
/// </summary>
public sealed class QuestionnaireBot : IBot
{
    private const string DeleteDialogId = "delete-data";
    private readonly QuestionnaireCatalog _catalog;
    private readonly ConversationState _conversationState;
    private readonly UserState _userState;
    private readonly IResponseHistory _history;
    private readonly IResponseEventSink? _events;
    private readonly IStatePropertyAccessor<ResidentProfile> _profile;
    private readonly IStatePropertyAccessor<JsonObject> _conversation;
    private readonly DialogSet _dialogs;
    private readonly IQuestionnaireVersions? _versions;
    private readonly IQuestionnairePreviews? _previews;

    /// <summary>
    /// A bot on <paramref name="catalog"/>; <paramref name="versions"/> loads earlier versions for conversations that
    /// started on one (none: a stale version restarts the questionnaire); <paramref name="previews"/> opens staff's previews (none: no previews).
    /// </summary>
    public QuestionnaireBot(QuestionnaireCatalog catalog, ConversationState conversationState, UserState userState,
        IResponseHistory history, QuestionnaireBotOptions options, IResponseEventSink? events = null, IQuestionnaireVersions? versions = null,
        IQuestionnairePreviews? previews = null)
    {
        _versions = versions;
        _previews = previews;
        _catalog = catalog;
        _conversationState = conversationState;
        _userState = userState;
        _history = history;
        _events = events;
        Options = options;
        _catalog.Get(options.DefaultQuestionnaire);
        Offered = options.OfferedIn(catalog);
        _profile = userState.CreateProperty<ResidentProfile>("profile");
        _conversation = conversationState.CreateProperty<JsonObject>("conversation");
        _dialogs = new DialogSet(conversationState.CreateProperty<JsonArray>("dialogStack"));
        foreach (var definition in catalog.All.Where(d => Offered.Contains(d.Id)))
            _dialogs.Add(new QuestionnaireDialog(definition, _profile, history, Offered.Contains));
        _dialogs.Add(new ConfirmPrompt("confirm"));
        _dialogs.Add(new WaterfallDialog(DeleteDialogId, [AskDeleteAsync, DeleteAsync]));
    }

    public QuestionnaireBotOptions Options { get; }

    /// <summary>The questionnaires this bot runs; any other id is treated as unknown.</summary>
    public IReadOnlySet<string> Offered { get; }

    /// <summary>How many recent activity ids a conversation remembers, to answer a redelivered activity only once.</summary>
    public const int RememberedActivities = 20;

    public async Task OnTurnAsync(ITurnContext turnContext, CancellationToken cancellationToken = default)
    {
        turnContext.TurnState.Set(new TurnClock(turnContext.Activity.Timestamp ?? DateTimeOffset.UtcNow, Options.TimeZone));
        var activity = turnContext.Activity;
        BotState[] states = [_conversationState, _userState];
        await BotState.LoadAllAsync(turnContext, states, cancellationToken).ConfigureAwait(false);
        if (await IsRedeliveryAsync(turnContext, cancellationToken).ConfigureAwait(false)) return;
        var dc = await _dialogs.CreateContextAsync(turnContext, cancellationToken).ConfigureAwait(false);
        var preview = await PreviewOfAsync(dc, cancellationToken).ConfigureAwait(false);
        await PinVersionsAsync(dc, cancellationToken).ConfigureAwait(false);

        if (preview is { Expired: true } && activity.Type == ActivityTypes.Message)
        {
            await EndPreviewAsync(dc, cancellationToken).ConfigureAwait(false);
        }
        else if (activity.Type == ActivityTypes.ConversationUpdate)
        {
            if (activity.MembersAdded?.Any(m => m is not null && m.Id != activity.Recipient?.Id) == true)
            {
                if (dc.ActiveDialog is null)
                {
                    await BeginAsync(dc, Options.DefaultQuestionnaire, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    // A resident who comes back (LINE: unblocked the account) in the middle of a questionnaire.
                    var texts = EngineTexts.For(await LocaleAsync(turnContext, cancellationToken).ConfigureAwait(false));
                    await turnContext.SendActivityAsync(Activity.CreateMessageActivity(texts.WelcomeBack), cancellationToken).ConfigureAwait(false);
                    await dc.RepromptDialogAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        else if (activity.Type == ActivityTypes.Message)
        {
            if (_previews is not null && PreviewRequest.In(activity) is { } request && await OpenPreviewAsync(dc, request, cancellationToken).ConfigureAwait(false) is { } opened)
                preview = new PreviewMark(opened.PreviewId, false);
            else if (preview is null && PreviewRequest.In(activity) is { Token: not null })
                // A link that opens nothing says so (never the published questionnaire in its place).
                await turnContext.SendActivityAsync(Activity.CreateMessageActivity(PreviewTexts.LinkNotValid), cancellationToken).ConfigureAwait(false);
            else
                // A code that opens nothing is answered as any other text: nothing tells that previews exist.
                await OnMessageAsync(dc, cancellationToken).ConfigureAwait(false);
        }

        if (preview is not null)
        {
            // A preview conversation keeps only its own state: the sender's profile (consents, follow-up schedule) is
            // left as it was, and its events never reach the residents' tables (reports, follow-ups, alerts).
            await BotState.SaveAllChangesAsync(turnContext, [_conversationState], cancellationToken).ConfigureAwait(false);
            return;
        }
        await BotState.SaveAllChangesAsync(turnContext, states, cancellationToken).ConfigureAwait(false);
        if (_events is not null && turnContext.Events() is { Count: > 0 } events)
            await _events.WriteAsync(events, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A preview reads the sender's history as a resident's would be read, but adds nothing to it (no response row).</summary>
    private sealed class PreviewHistory(IResponseHistory history) : IResponseHistory
    {
        public Task<IReadOnlyList<HistoryRecord>> ReadAsync(string residentId, CancellationToken cancellationToken = default) => history.ReadAsync(residentId, cancellationToken);
        public Task AppendAsync(string residentId, HistoryRecord record, CancellationToken cancellationToken = default) => Task.CompletedTask;
        public Task DeleteAsync(string residentId, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }

    /// <summary>A conversation marked as a preview, and whether that preview has expired.</summary>
    private sealed record PreviewMark(string PreviewId, bool Expired);

    /// <summary>
    /// Whether this conversation is a preview: if so, its questionnaire runs on the previewed version (in place of the
    /// published one, offered here or not), until the preview expires.
    /// </summary>
    private async Task<PreviewMark?> PreviewOfAsync(DialogContext dc, CancellationToken ct)
    {
        var conversation = (await _conversation.GetAsync(dc.Context, () => [], ct).ConfigureAwait(false))!;
        if (conversation["preview"]?.GetValue<string>() is not { } previewId) return null;
        if (_previews is null || await _previews.FindAsync(previewId, ct).ConfigureAwait(false) is not { } session) return new PreviewMark(previewId, true);
        _dialogs.Replace(new QuestionnaireDialog(session.Definition, _profile, new PreviewHistory(_history), Offered.Contains));
        return new PreviewMark(previewId, false);
    }

    /// <summary>Opens the preview <paramref name="request"/> names, if it opens for this sender: the banner, then its first question.</summary>
    private async Task<PreviewSession?> OpenPreviewAsync(DialogContext dc, PreviewRequest request, CancellationToken ct)
    {
        if (await _previews!.OpenAsync(request, dc.Context.Activity, ct).ConfigureAwait(false) is not { } session) return null;
        await dc.CancelAllDialogsAsync(ct).ConfigureAwait(false);
        var conversation = (await _conversation.GetAsync(dc.Context, () => [], ct).ConfigureAwait(false))!;
        conversation["preview"] = session.PreviewId;
        conversation["questionnaire"] = session.Definition.Id;
        _dialogs.Replace(new QuestionnaireDialog(session.Definition, _profile, new PreviewHistory(_history), Offered.Contains));
        var banner = Activity.CreateMessageActivity(PreviewTexts.Banner(session.Definition.Id, session.Version));
        banner.ChannelData = System.Text.Json.JsonSerializer.SerializeToElement(
            new PreviewBanner(new PreviewBannerInfo(session.Definition.Id, session.Version, session.ExpiresAt)), System.Text.Json.JsonSerializerOptions.Web);
        await dc.Context.SendActivityAsync(banner, ct).ConfigureAwait(false);
        await dc.BeginDialogAsync(session.Definition.Id, null, ct).ConfigureAwait(false);
        return session;
    }

    /// <summary>What the chat page reads from the banner's <c>channelData</c> to show it above the conversation.</summary>
    private sealed record PreviewBanner(PreviewBannerInfo Preview);

    private sealed record PreviewBannerInfo(string Questionnaire, int Version, DateTimeOffset ExpiresAt);

    /// <summary>An expired preview ends: the conversation forgets it and says so, and the next message is an ordinary one.</summary>
    private async Task EndPreviewAsync(DialogContext dc, CancellationToken ct)
    {
        await dc.CancelAllDialogsAsync(ct).ConfigureAwait(false);
        var conversation = (await _conversation.GetAsync(dc.Context, () => [], ct).ConfigureAwait(false))!;
        conversation.Remove("preview");
        conversation.Remove("questionnaire");
        await dc.Context.SendActivityAsync(Activity.CreateMessageActivity(PreviewTexts.Ended), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// A resident in the middle of a questionnaire finishes on the version they started: a stack entry that recorded an
    /// earlier stored version runs that version's dialog. Only when it cannot be loaded does the conversation restart
    /// (<see cref="EngineTexts.QuestionnaireUpdated"/>).
    /// </summary>
    private async Task PinVersionsAsync(DialogContext dc, CancellationToken ct)
    {
        if (_versions is null) return;
        foreach (var instance in dc.State.Instances.ToList())
            if (_dialogs.Find(instance.Id) is QuestionnaireDialog current && instance.Version is { } pin && pin != current.GetVersion()
                && QuestionnaireDialog.RevisionOf(pin) is not null
                && await _versions.FindAsync(instance.Id, pin, ct).ConfigureAwait(false) is { } pinned)
                _dialogs.Replace(new QuestionnaireDialog(pinned, _profile, _history, Offered.Contains));
    }

    /// <summary>
    /// A channel may deliver an activity again (a timeout and a retry): the conversation remembers its recent activity
    /// ids in the same state document that the turn commits, so a repeat is recognised and nothing is done or sent twice.
    /// </summary>
    private async Task<bool> IsRedeliveryAsync(ITurnContext ctx, CancellationToken ct)
    {
        if (ctx.Activity.Id is not { Length: > 0 } id) return false;
        var conversation = (await _conversation.GetAsync(ctx, () => [], ct).ConfigureAwait(false))!;
        var recent = conversation["recentActivities"] as JsonArray ?? [];
        if (recent.Any(n => n?.GetValue<string>() == id)) return true;
        recent.Add(id);
        while (recent.Count > RememberedActivities) recent.RemoveAt(0);
        if (recent.Parent is null) conversation["recentActivities"] = recent;
        return false;
    }

    private async Task OnMessageAsync(DialogContext dc, CancellationToken ct)
    {
        var ctx = dc.Context;
        // The engine's own words are needed only when it speaks for itself (not on the path of an ordinary answer).
        async Task<EngineTexts> TextsAsync() => EngineTexts.For(await LocaleAsync(ctx, ct).ConfigureAwait(false));
        if (dc.State.Instances.Any(i => dc.FindDialog(i.Id) is not { } d || (d is QuestionnaireDialog q && !q.CanContinue(i))))
        {
            // The questionnaire was edited or withdrawn under this conversation: say so and start it afresh
            // (consent is kept), instead of misfiling answers or failing every turn.
            var current = await CurrentQuestionnaireAsync(ctx, ct).ConfigureAwait(false);
            await dc.CancelAllDialogsAsync(ct).ConfigureAwait(false);
            await ctx.SendActivityAsync(Activity.CreateMessageActivity((await TextsAsync().ConfigureAwait(false)).QuestionnaireUpdated), ct).ConfigureAwait(false);
            await BeginAsync(dc, current ?? Options.DefaultQuestionnaire, ct).ConfigureAwait(false);
            return;
        }
        var inDeletion = dc.ActiveDialog?.Id is DeleteDialogId or "confirm";
        var requested = GlobalCommands.RequestedQuestionnaire(ctx.Activity);
        if (requested is not null && !Offered.Contains(requested) && dc.ActiveDialog is not null)
        {
            // A button of a questionnaire not offered here (another municipality's) is not obeyed, and costs the
            // resident nothing: the question they are on is asked again.
            await dc.RepromptDialogAsync(ct).ConfigureAwait(false);
            return;
        }
        if (requested is null && string.IsNullOrWhiteSpace(ctx.Activity.InputText()))
        {
            // A sticker, image, sound, video, file or location (LINE), or an attachment without text: nothing of it is
            // read or kept. Say what the bot understands, then the question again, or how to start.
            var texts = await TextsAsync().ConfigureAwait(false);
            await ctx.SendActivityAsync(Activity.CreateMessageActivity(texts.NotText), ct).ConfigureAwait(false);
            if (dc.ActiveDialog is not null) await dc.RepromptDialogAsync(ct).ConfigureAwait(false);
            else await SendHowToStartAsync(ctx, texts.HowToStart, texts, ct).ConfigureAwait(false);
            return;
        }
        switch (GlobalCommands.Recognize(ctx.Activity))
        {
            case GlobalCommand.Start:
                var resumed = (await _profile.GetAsync(ctx, () => new ResidentProfile(), ct).ConfigureAwait(false))!;
                if (resumed.FollowUpsStopped)
                {
                    resumed.FollowUpsStopped = false;
                    ctx.Events().Add(new IntentRaised(ctx.ResidentId(), ctx.Clock().Now, ResidentIntent.ResumeFollowUps));
                    await ctx.SendActivityAsync(Activity.CreateMessageActivity((await TextsAsync().ConfigureAwait(false)).FollowUpsResumed), ct).ConfigureAwait(false);
                }
                await dc.CancelAllDialogsAsync(ct).ConfigureAwait(false);
                await BeginAsync(dc, requested ?? Options.DefaultQuestionnaire, ct).ConfigureAwait(false);
                return;
            case GlobalCommand.Restart:
                var current = await CurrentQuestionnaireAsync(ctx, ct).ConfigureAwait(false);
                ctx.Events().Add(new IntentRaised(ctx.ResidentId(), ctx.Clock().Now, ResidentIntent.Restart));
                await dc.CancelAllDialogsAsync(ct).ConfigureAwait(false);
                await BeginAsync(dc, current ?? Options.DefaultQuestionnaire, ct).ConfigureAwait(false);
                return;
            case GlobalCommand.Help:
                ctx.Events().Add(new IntentRaised(ctx.ResidentId(), ctx.Clock().Now, ResidentIntent.Help));
                var helpTexts = await TextsAsync().ConfigureAwait(false);
                if (dc.ActiveDialog is null && await CurrentQuestionnaireAsync(ctx, ct).ConfigureAwait(false) is not null)
                {
                    // After a response, help is not a request to start again: it says how to.
                    await SendHowToStartAsync(ctx, helpTexts.Help + "\n\n" + helpTexts.HowToStart, helpTexts, ct).ConfigureAwait(false);
                    return;
                }
                await ctx.SendActivityAsync(Activity.CreateMessageActivity(helpTexts.Help), ct).ConfigureAwait(false);
                if (dc.ActiveDialog is null) await BeginAsync(dc, Options.DefaultQuestionnaire, ct).ConfigureAwait(false);
                else await dc.RepromptDialogAsync(ct).ConfigureAwait(false);
                return;
            case GlobalCommand.StopFollowUps:
                var profile = (await _profile.GetAsync(ctx, () => new ResidentProfile(), ct).ConfigureAwait(false))!;
                profile.FollowUpsStopped = true;
                profile.NextFollowUp = null;
                ctx.Events().Add(new IntentRaised(ctx.ResidentId(), ctx.Clock().Now, ResidentIntent.StopFollowUps));
                await ctx.SendActivityAsync(Activity.CreateMessageActivity((await TextsAsync().ConfigureAwait(false)).FollowUpsStopped), ct).ConfigureAwait(false);
                await dc.RepromptDialogAsync(ct).ConfigureAwait(false);
                return;
            case GlobalCommand.DeleteData when inDeletion:
                await dc.RepromptDialogAsync(ct).ConfigureAwait(false);
                return;
            case GlobalCommand.DeleteData:
                // On top of the questionnaire: if the resident says no, the question they were on is asked again.
                await dc.BeginDialogAsync(DeleteDialogId, null, ct).ConfigureAwait(false);
                return;
        }

        if (dc.ActiveDialog is null && await CurrentQuestionnaireAsync(ctx, ct).ConfigureAwait(false) is not null)
        {
            // The resident has finished (or declined): "ありがとう" is not a new report. A new response starts only on
            // an explicit action (開始, the button, an invitation's button), so the officials' "started" counts reports.
            var texts = await TextsAsync().ConfigureAwait(false);
            await SendHowToStartAsync(ctx, texts.AfterCompletion, texts, ct).ConfigureAwait(false);
            return;
        }
        var result = await dc.ContinueDialogAsync(ct).ConfigureAwait(false);
        if (result.Status == DialogTurnStatus.Empty)
            await BeginAsync(dc, Options.DefaultQuestionnaire, ct).ConfigureAwait(false);
    }

    /// <summary>A message with a 開始 button (it sends the start command, as typing 開始 does).</summary>
    private static Task SendHowToStartAsync(ITurnContext ctx, string text, EngineTexts texts, CancellationToken ct)
    {
        var message = Activity.CreateMessageActivity(text);
        message.SuggestedActions = new SuggestedActions { Actions = [CardAction.ImBack(texts.StartButton, texts.StartButton)] };
        return ctx.SendActivityAsync(message, ct);
    }

    private async Task BeginAsync(DialogContext dc, string questionnaireId, CancellationToken ct)
    {
        if (!Offered.Contains(questionnaireId) || _catalog.Find(questionnaireId) is null) questionnaireId = Options.DefaultQuestionnaire;
        var conversation = (await _conversation.GetAsync(dc.Context, () => [], ct).ConfigureAwait(false))!;
        conversation["questionnaire"] = questionnaireId;
        await dc.BeginDialogAsync(questionnaireId, null, ct).ConfigureAwait(false);
    }

    private async Task<string?> CurrentQuestionnaireAsync(ITurnContext ctx, CancellationToken ct) =>
        (await _conversation.GetAsync(ctx, () => [], ct).ConfigureAwait(false))!["questionnaire"]?.GetValue<string>();

    /// <summary>The language of this conversation: the resident's (from the channel, else as kept), if the current questionnaire has it.</summary>
    private async Task<string> LocaleAsync(ITurnContext ctx, CancellationToken ct)
    {
        var questionnaire = _catalog.Find(await CurrentQuestionnaireAsync(ctx, ct).ConfigureAwait(false) ?? Options.DefaultQuestionnaire)
            ?? _catalog.Get(Options.DefaultQuestionnaire);
        var profile = await _profile.GetAsync(ctx, null, ct).ConfigureAwait(false);
        return questionnaire.ResolveLocale(ctx.Activity.Locale ?? profile?.Locale);
    }

    private async Task<DialogTurnResult> AskDeleteAsync(WaterfallStepContext step, CancellationToken ct)
    {
        var locale = await LocaleAsync(step.Context.Context, ct).ConfigureAwait(false);
        var texts = EngineTexts.For(locale);
        var prompt = Activity.CreateMessageActivity(texts.DeleteConfirm);
        var choices = new List<Choice> { new("yes", texts.Yes), new("no", texts.No) };
        ChoiceFactory.Render(prompt, choices, ListStyle.SuggestedAction);
        return await step.BeginDialogAsync("confirm", new PromptOptions { Prompt = prompt, Choices = choices, MaxAttempts = 2, Locale = locale }, ct).ConfigureAwait(false);
    }

    private async Task<DialogTurnResult> DeleteAsync(WaterfallStepContext step, CancellationToken ct)
    {
        var ctx = step.Context.Context;
        var texts = EngineTexts.For(await LocaleAsync(ctx, ct).ConfigureAwait(false));
        if (step.Result is not true)
        {
            await ctx.SendActivityAsync(Activity.CreateMessageActivity(texts.DeleteCancelled), ct).ConfigureAwait(false);
            return await step.EndDialogAsync(null, ct).ConfigureAwait(false);
        }
        ctx.Events().Add(new IntentRaised(ctx.ResidentId(), ctx.Clock().Now, ResidentIntent.DeleteData));
        await _history.DeleteAsync(ctx.ResidentId(), ct).ConfigureAwait(false);
        await _userState.DeleteAsync(ctx, ct).ConfigureAwait(false);
        // The conversation's state document goes too: on LINE its key holds the resident's user id.
        await _conversationState.DeleteAsync(ctx, ct).ConfigureAwait(false);
        await ctx.SendActivityAsync(Activity.CreateMessageActivity(texts.Deleted), ct).ConfigureAwait(false);
        // The response in progress goes too: nothing of it may be kept or continued.
        return await step.Context.CancelAllDialogsAsync(ct).ConfigureAwait(false);
    }
}

/// <summary>Which questionnaire a new conversation starts, which ones are offered at all, and the tenant's time zone for "today".</summary>
public sealed class QuestionnaireBotOptions
{
    public const string SectionName = "Questionnaires";
    /// <summary>Folder of the questionnaire files, relative to the working directory.</summary>
    public string Path { get; set; } = "dialogs";
    public string DefaultQuestionnaire { get; set; } = "covid19-selfcheck";

    /// <summary>
    /// The questionnaires offered (<c>Questionnaires:Offered</c>; a LINE tenant's <c>Tenants:{id}:Questionnaires</c>).
    /// The default is always offered. Unset: the default and the questionnaires its follow-ups open (and theirs).
    /// </summary>
    public List<string>? Offered { get; set; }
    private string _timeZoneId = "Asia/Tokyo";
    private TimeZoneInfo? _timeZone;

    public string TimeZoneId
    {
        get => _timeZoneId;
        set { _timeZoneId = value; _timeZone = null; }
    }

    public TimeZoneInfo TimeZone => _timeZone ??= TurnClock.FindZone(TimeZoneId);

    /// <summary>The ids of the questionnaires offered, among those of <paramref name="catalog"/> (see <see cref="Offered"/>).</summary>
    public IReadOnlySet<string> OfferedIn(QuestionnaireCatalog catalog)
    {
        var offered = new HashSet<string>(StringComparer.Ordinal);
        if (Offered is { } list)
        {
            offered.Add(DefaultQuestionnaire);
            offered.UnionWith(list.Where(id => catalog.Find(id) is not null));
            return offered;
        }
        var next = new Queue<string>([DefaultQuestionnaire]);
        while (next.TryDequeue(out var id))
        {
            if (catalog.Find(id) is not { } definition || !offered.Add(id)) continue;
            foreach (var rule in definition.FollowUp?.Rules ?? []) next.Enqueue(rule.Questionnaire);
        }
        return offered;
    }
}

using System.Text.Json.Nodes;
using ChatSupport.Activities;
using ChatSupport.Bots;
using ChatSupport.Dialogs;
using ChatSupport.Dialogs.Prompts;
using ChatSupport.Residents;
using ChatSupport.State;

namespace ChatSupport.Questionnaires;

/// <summary>
/// The step runner inside <see cref="QuestionnaireDialog"/>. Its state (JSON) is the response in progress:
/// id, locale, current step and the answers so far.
/// </summary>
internal sealed partial class QuestionnaireFlow(QuestionnaireDefinition definition, IStatePropertyAccessor<ResidentProfile> profileAccessor, IResponseHistory history,
    Func<string, bool> offers)
    : Dialog("flow")
{
    private const string ConsentStepMarker = "consent";

    public override async Task<DialogTurnResult> BeginDialogAsync(DialogContext dc, object? options = null, CancellationToken cancellationToken = default)
    {
        var ctx = dc.Context;
        var profile = (await profileAccessor.GetAsync(ctx, () => new ResidentProfile(), cancellationToken).ConfigureAwait(false))!;
        var locale = definition.ResolveLocale(ctx.Activity.Locale ?? profile.Locale);
        var state = dc.ActiveDialog!.State;
        state["responseId"] = NewResponseId();
        state["locale"] = locale;
        state["answers"] = new JsonObject();
        state["question"] = null;

        if (definition.Intro is { } intro) await ctx.SendActivityAsync(Activity.CreateMessageActivity(intro.Get(locale)), cancellationToken).ConfigureAwait(false);
        if (definition.Consent is { } consent && profile.Consents.GetValueOrDefault(consent.Key) != consent.Version)
        {
            state["awaiting"] = ConsentStepMarker;
            var prompt = Activity.CreateMessageActivity(consent.Text.Get(locale));
            var choices = new List<Choice> { new("accept", consent.Accept.Get(locale)), new("decline", consent.Decline.Get(locale)) };
            ChoiceFactory.Render(prompt, choices, ListStyle.SuggestedAction);
            var retry = ActivityJson.Deserialize(ActivityJson.Serialize(prompt));
            retry.Text = EngineTexts.For(locale).RetryChoice + "\n" + prompt.Text;
            return await dc.BeginDialogAsync("consent", new PromptOptions { Prompt = prompt, RetryPrompt = retry, Choices = choices, Locale = locale }, cancellationToken).ConfigureAwait(false);
        }
        Started(ctx, state);
        return await AskFromAsync(dc, 0, cancellationToken).ConfigureAwait(false);
    }

    public override async Task<DialogTurnResult> ResumeDialogAsync(DialogContext dc, DialogReason reason, object? result = null, CancellationToken cancellationToken = default)
    {
        var state = dc.ActiveDialog!.State;
        if (state["awaiting"]?.GetValue<string>() == ConsentStepMarker)
        {
            state.Remove("awaiting");
            return await OnConsentAsync(dc, result is true, cancellationToken).ConfigureAwait(false);
        }
        var locale = Locale(state);
        // Found by id, not by position: a file edited under the same version still files the answer correctly.
        var questionId = state["question"]?.GetValue<string>();
        var step = definition.Questions.ToList().FindIndex(q => q.Id == questionId);
        if (step < 0) throw new QuestionnaireChangedException(definition.Id);
        var question = definition.Questions[step];
        object? value;
        var skipped = false;
        switch (result)
        {
            case PromptShortcut { Name: QuestionRenderer.SkipShortcut }:
                value = null;
                skipped = true;
                break;
            case PromptShortcut { Name: QuestionRenderer.SameShortcut }:
                value = await PreviousAnswerAsync(dc.Context, question, cancellationToken).ConfigureAwait(false);
                break;
            // One question not understood never costs the resident the answers given so far: an optional question is
            // skipped (and they are told so), a required one is asked again with help, for as long as it takes.
            case TooManyAttempts when !question.Required:
                await dc.Context.SendActivityAsync(Activity.CreateMessageActivity(EngineTexts.For(locale).SkippedAfterRetries), cancellationToken).ConfigureAwait(false);
                value = null;
                skipped = true;
                break;
            case TooManyAttempts:
                await dc.Context.SendActivityAsync(Activity.CreateMessageActivity(EngineTexts.For(locale).AskAgainWithHelp), cancellationToken).ConfigureAwait(false);
                return await AskFromAsync(dc, step, cancellationToken).ConfigureAwait(false);
            default:
                value = ToAnswer(question, result);
                break;
        }
        var json = AnswerValues.ToJson(value);
        Answers(state)[question.Id] = json;
        dc.Context.Events().Add(new AnswerRecorded(dc.Context.ResidentId(), dc.Context.Clock().Now, ResponseId(state), question.Id, json?.DeepClone(), skipped) { Type = question.Type, SourceId = dc.Context.Activity.Id });

        var scope = await ScopeAsync(dc.Context, state, cancellationToken).ConfigureAwait(false);
        if (ResponseRules.Emergency(definition, scope) is { } emergency)
        {
            await dc.Context.SendActivityAsync(Activity.CreateMessageActivity(emergency.Message.Render(locale, scope)), cancellationToken).ConfigureAwait(false);
            state["emergency"] = emergency.Category;
            return await FinishAsync(dc, ResponseStatus.Emergency, cancellationToken).ConfigureAwait(false);
        }
        return await AskFromAsync(dc, step + 1, cancellationToken).ConfigureAwait(false);
    }

    public override Task<DialogTurnResult> ContinueDialogAsync(DialogContext dc, CancellationToken cancellationToken = default) =>
        Task.FromResult(EndOfTurn);

    private async Task<DialogTurnResult> OnConsentAsync(DialogContext dc, bool accepted, CancellationToken ct)
    {
        var ctx = dc.Context;
        var state = dc.ActiveDialog!.State;
        var consent = definition.Consent!;
        if (!accepted)
        {
            await ctx.SendActivityAsync(Activity.CreateMessageActivity(consent.Declined.Get(Locale(state))), ct).ConfigureAwait(false);
            var declined = Outcome(state, ResponseStatus.Declined, new Dictionary<string, object?>(), [], [], null);
            ctx.Events().Add(new ResponseCompleted(ctx.ResidentId(), ctx.Clock().Now, declined));
            return await dc.EndDialogAsync(declined, ct).ConfigureAwait(false);
        }
        var profile = (await profileAccessor.GetAsync(ctx, () => new ResidentProfile(), ct).ConfigureAwait(false))!;
        profile.Consents[consent.Key] = consent.Version;
        profile.Locale ??= ctx.Activity.Locale;
        ctx.Events().Add(new ConsentGiven(ctx.ResidentId(), ctx.Clock().Now, consent.Key, consent.Version));
        Started(ctx, state);
        return await AskFromAsync(dc, 0, ct).ConfigureAwait(false);
    }

    /// <summary>Asks the first question from <paramref name="from"/> whose condition holds; sends message steps on the way.</summary>
    private async Task<DialogTurnResult> AskFromAsync(DialogContext dc, int from, CancellationToken ct)
    {
        var state = dc.ActiveDialog!.State;
        var locale = Locale(state);
        for (var i = from; i < definition.Questions.Count; i++)
        {
            var q = definition.Questions[i];
            if (q.When is not null && !ResponseRules.Asks(q, await ScopeAsync(dc.Context, state, ct).ConfigureAwait(false))) continue;
            if (q.Type == QuestionType.Message)
            {
                await dc.Context.SendActivityAsync(Activity.CreateMessageActivity(q.Text.Get(locale)), ct).ConfigureAwait(false);
                continue;
            }
            state["question"] = q.Id;
            string? previous = null;
            if (q.Profile && await PreviousAnswerAsync(dc.Context, q, ct).ConfigureAwait(false) is { } p)
                previous = MessageTemplate.Format(p, q, locale);
            return await dc.BeginDialogAsync(QuestionRenderer.PromptId(q.Type), QuestionRenderer.Render(q, locale, previous), ct).ConfigureAwait(false);
        }
        return await FinishAsync(dc, ResponseStatus.Completed, ct).ConfigureAwait(false);
    }

    private static object? ToAnswer(Question q, object? result) => (q.Type, result) switch
    {
        (QuestionType.YesNo, bool b) => b,
        (QuestionType.Integer or QuestionType.Decimal, decimal d) => d,
        (QuestionType.Date, DateOnly d) => d,
        (QuestionType.Multiple, IReadOnlyList<string> list) => list,
        (_, string s) => s,
        // The question's type changed under the same version while its prompt was open.
        _ => throw new QuestionnaireChangedException(q.Id),
    };

    private void Started(ITurnContext ctx, JsonObject state) =>
        ctx.Events().Add(new ResponseStarted(ctx.ResidentId(), ctx.Clock().Now, ResponseId(state), definition.Id, definition.Version)
        {
            ConversationId = ctx.Activity.Conversation?.Id,
        });

    /// <summary>A random id: nothing of the channel's ids (a LINE user id) goes into it.</summary>
    private static string NewResponseId() => Guid.NewGuid().ToString("N");

    private static string Locale(JsonObject state) => state["locale"]!.GetValue<string>();
    private static string ResponseId(JsonObject state) => state["responseId"]!.GetValue<string>();
    private static JsonObject Answers(JsonObject state) => state["answers"]!.AsObject();
}

using System.Text.Json.Nodes;
using ChatSupport.Activities;
using ChatSupport.Advice;
using ChatSupport.Bots;
using ChatSupport.Dialogs;
using ChatSupport.FollowUps;
using ChatSupport.Residents;

namespace ChatSupport.Questionnaires;

internal sealed partial class QuestionnaireFlow
{
    /// <summary>Ends the response: advice (when completed), escalations, the next follow-up, the history record.</summary>
    private async Task<DialogTurnResult> FinishAsync(DialogContext dc, ResponseStatus status, CancellationToken ct)
    {
        var ctx = dc.Context;
        var state = dc.ActiveDialog!.State;
        var locale = Locale(state);
        var scope = await ScopeAsync(ctx, state, ct).ConfigureAwait(false);
        var messages = new List<Activity>();
        var emergency = status == ResponseStatus.Emergency ? state["emergency"]!.GetValue<string>() : null;
        var decisions = ResponseRules.Decide(definition, scope, status, emergency);
        foreach (var result in decisions.Advice)
            messages.Add(Activity.CreateMessageActivity(result.Message.Render(locale, scope)));
        foreach (var rule in decisions.Escalations)
            if (rule.Message is { } m) messages.Add(Activity.CreateMessageActivity(m.Render(locale, scope)));
        if (status == ResponseStatus.Completed && definition.Closing is { } closing)
            messages.Add(Activity.CreateMessageActivity(closing.Get(locale)));
        if (status == ResponseStatus.Completed && Summary(scope, locale) is { Items.Count: > 0 } summary)
            messages.Add(new Activity { Type = ActivityTypes.Message, Attachments = [summary.ToAttachment()] });
        if (messages.Count > 0) await ctx.SendActivitiesAsync(messages, ct).ConfigureAwait(false);

        FollowUpDecision? followUp = null;
        var values = scope.Values();
        if (status is ResponseStatus.Completed or ResponseStatus.Emergency)
        {
            var profile = (await profileAccessor.GetAsync(ctx, () => new ResidentProfile(), ct).ConfigureAwait(false))!;
            followUp = profile.FollowUpsStopped
                ? new FollowUpDecision(null, null, null, "stopped by the resident")
                : decisions.FollowUp!;
            // A follow-up never opens a questionnaire this tenant does not offer (another municipality's).
            if (followUp.Questionnaire is { } next && !offers(next))
                followUp = new FollowUpDecision(null, null, null, "not offered here: " + next);
            if (definition.FollowUp is not null || profile.FollowUpsStopped) profile.NextFollowUp = followUp.Scheduled ? followUp : null;
            await history.AppendAsync(ctx.ResidentId(), new HistoryRecord(definition.Id, scope.Today, ctx.Clock().Now, values) { ResponseId = ResponseId(state) }, ct).ConfigureAwait(false);
            profile.HasHistory = true;
            ctx.TurnState.Remove(HistoryKey(ctx));
        }
        var outcome = Outcome(state, status, values, decisions.AdviceCategories, decisions.EscalationCategories, followUp);
        ctx.Events().Add(new ResponseCompleted(ctx.ResidentId(), ctx.Clock().Now, outcome));
        return await dc.EndDialogAsync(outcome, ct).ConfigureAwait(false);
    }

    /// <summary>What the resident answered, question by question (skipped and unasked questions left out).</summary>
    private AnswerSummary Summary(ResponseScope scope, string locale)
    {
        var values = scope.Values();
        var items = definition.Questions
            .Where(q => q.HasAnswer && values.GetValueOrDefault(q.Id) is not null)
            .Select(q => new AnswerSummaryItem(q.Text.Get(locale), MessageTemplate.Format(values[q.Id], q, locale)))
            .ToList();
        return new AnswerSummary { Title = EngineTexts.For(locale).SummaryTitle, Items = items, Locale = locale };
    }

    private QuestionnaireOutcome Outcome(JsonObject state, ResponseStatus status, IReadOnlyDictionary<string, object?> values,
        IReadOnlyList<string> advice, IReadOnlyList<string> escalations, FollowUpDecision? followUp) =>
        new(ResponseId(state), definition.Id, definition.Version, status, Locale(state), values, advice, escalations, followUp);

    private async Task<ResponseScope> ScopeAsync(ITurnContext ctx, JsonObject state, CancellationToken ct) =>
        new(definition, Answers(state), ctx.Clock().Today, await HistoryAsync(ctx, ct).ConfigureAwait(false));

    /// <summary>The resident's earlier responses, read once per turn.</summary>
    private async Task<IReadOnlyList<HistoryRecord>> HistoryAsync(ITurnContext ctx, CancellationToken ct)
    {
        var key = HistoryKey(ctx);
        if (ctx.TurnState.Get<IReadOnlyList<HistoryRecord>>(key) is { } cached) return cached;
        var profile = (await profileAccessor.GetAsync(ctx, () => new ResidentProfile(), ct).ConfigureAwait(false))!;
        if (profile.HasHistory == false) return [];
        var records = await history.ReadAsync(ctx.ResidentId(), ct).ConfigureAwait(false);
        profile.HasHistory = records.Count > 0;
        ctx.TurnState.Set(key, records);
        return records;
    }

    /// <summary>The latest earlier answer to a profile question, from any questionnaire that asks it.</summary>
    private async Task<object?> PreviousAnswerAsync(ITurnContext ctx, Question q, CancellationToken ct)
    {
        foreach (var record in await HistoryAsync(ctx, ct).ConfigureAwait(false))
            if (record.Values.GetValueOrDefault(q.Id) is { } v && ResponseRules.Fits(q, v)) return v;
        return null;
    }

    private static string HistoryKey(ITurnContext ctx) => "ChatSupport.History." + ctx.ResidentId();
}

using System.Text.Json.Nodes;

namespace ChatSupport.Questionnaires.Impact;

/// <summary>What a questionnaire's rules make of a stored response: how it ends, its decisions, and which questions it asks.</summary>
/// <param name="Status">Completed, or interrupted by an emergency.</param>
/// <param name="Decisions">Advice, escalations and the next follow-up, as the conversation would have decided them.</param>
/// <param name="Asked">The questions asked, in order (message steps are not questions).</param>
/// <param name="Unanswered">Questions asked and required that have no stored answer fitting them: the resident would have to answer them.</param>
public sealed record ReplayOutcome(ResponseStatus Status, ResponseDecisions Decisions, IReadOnlyList<string> Asked, IReadOnlyList<string> Unanswered);

/// <summary>
/// Replays a stored response through a questionnaire's rules without a conversation: the questions in order, each
/// asked when its <c>when</c> holds for the answers given before it (as the dialog asks them), each answered with the
/// stored answer, the emergencies checked after every answer, then advice, escalations and the next follow-up on the
/// response's own day and history — all decided by <see cref="ResponseRules"/>, as in the conversation.
/// </summary>
/// <remarks>
/// A stored answer counts only where it still fits the question (an option or a limit may have changed); a stored
/// skip only where the question is still optional. A question with no usable answer is left unanswered: a required one
/// is listed in <see cref="ReplayOutcome.Unanswered"/> (the resident would be asked it), and its rules see null.
/// </remarks>
public static class ResponseReplay
{
    public static ReplayOutcome Replay(QuestionnaireDefinition definition, StoredResponse response)
    {
        var answers = new JsonObject();
        var asked = new List<string>();
        List<string>? unanswered = null;
        ResponseScope Scope() => new(definition, answers, response.Date, response.History);

        foreach (var question in definition.Questions)
        {
            if (!question.HasAnswer) continue;
            if (question.When is not null && !ResponseRules.Asks(question, Scope())) continue;
            asked.Add(question.Id);
            if (response.Values.TryGetValue(question.Id, out var stored) && (stored is null ? !question.Required : ResponseRules.Fits(question, stored)))
                answers[question.Id] = AnswerValues.ToJson(stored);
            else
            {
                if (question.Required) (unanswered ??= []).Add(question.Id);
                continue; // nothing was answered: nothing new for the emergencies to see
            }
            var scope = Scope();
            if (ResponseRules.Emergency(definition, scope) is { } emergency)
                return new ReplayOutcome(ResponseStatus.Emergency, ResponseRules.Decide(definition, scope, ResponseStatus.Emergency, emergency.Category), asked, unanswered ?? []);
        }
        return new ReplayOutcome(ResponseStatus.Completed, ResponseRules.Decide(definition, Scope(), ResponseStatus.Completed, null), asked, unanswered ?? []);
    }
}

using ChatSupport.Advice;
using ChatSupport.Expressions;
using ChatSupport.FollowUps;

namespace ChatSupport.Questionnaires;

/// <summary>
/// What a response's rules decide, as pure functions of a scope: which questions are asked, whether an answer is an
/// emergency, and the advice, escalations and next follow-up of a finished response. The conversation
/// (<see cref="QuestionnaireDialog"/>) and the impact report's replay both decide through these, so a replay cannot
/// drift from what residents are actually told.
/// </summary>
public static class ResponseRules
{
    /// <summary>Whether the question is asked, given the answers so far (message steps are shown, not asked).</summary>
    public static bool Asks(Question question, IEvaluationScope scope) => question.When is null || question.When.IsTrue(scope);

    /// <summary>The first emergency rule the answers so far meet, checked after every answer.</summary>
    public static EmergencyRule? Emergency(QuestionnaireDefinition definition, IEvaluationScope scope)
    {
        foreach (var rule in definition.Emergencies)
            if (rule.When.IsTrue(scope)) return rule;
        return null;
    }

    /// <summary>
    /// The decisions of a response that ended with <paramref name="status"/>: advice only when it completed; escalations
    /// and the next follow-up when it completed or was interrupted by an emergency (whose category is advice and
    /// escalation too); nothing otherwise.
    /// </summary>
    public static ResponseDecisions Decide(QuestionnaireDefinition definition, IEvaluationScope scope, ResponseStatus status, string? emergency)
    {
        var finished = status is ResponseStatus.Completed or ResponseStatus.Emergency;
        IReadOnlyList<AdviceResult> advice = status == ResponseStatus.Completed ? AdviceEvaluator.Evaluate(definition.Advice, scope) : [];
        IReadOnlyList<EscalationRule> escalations = finished ? [.. definition.Escalations.Where(r => r.When.IsTrue(scope))] : [];
        var followUp = finished ? FollowUpPlanner.Next(definition.FollowUp, scope) : null;
        return new ResponseDecisions(status == ResponseStatus.Emergency ? emergency : null, advice, escalations, followUp);
    }

    /// <summary>Whether an earlier answer still fits the question (options and limits may have changed since).</summary>
    public static bool Fits(Question question, object value) => value switch
    {
        string s when question.Type == QuestionType.Single => question.FindOption(s) is not null,
        IReadOnlyList<string> l when question.Type == QuestionType.Multiple => l.All(x => question.FindOption(x) is not null),
        decimal d when question.Type is QuestionType.Integer or QuestionType.Decimal => (question.Min is null || d >= question.Min) && (question.Max is null || d <= question.Max),
        bool when question.Type == QuestionType.YesNo => true,
        DateOnly when question.Type == QuestionType.Date => true,
        string when question.Type is QuestionType.Text or QuestionType.PostalCode => true,
        _ => false,
    };
}

/// <summary>A finished response's decisions: the emergency that interrupted it (if any), advice, escalation rules met, the next follow-up.</summary>
public sealed record ResponseDecisions(string? Emergency, IReadOnlyList<AdviceResult> Advice, IReadOnlyList<EscalationRule> Escalations, FollowUpDecision? FollowUp)
{
    /// <summary>The advice categories the response keeps: the emergency's, then the advice rules' in the order of the file.</summary>
    public IReadOnlyList<string> AdviceCategories => [.. Prefix, .. Advice.Select(a => a.Category)];

    /// <summary>The escalations staff get: the emergency's, then the escalation rules' in the order of the file.</summary>
    public IReadOnlyList<string> EscalationCategories => [.. Prefix, .. Escalations.Select(e => e.Category)];

    private IEnumerable<string> Prefix => Emergency is null ? [] : [Emergency];
}

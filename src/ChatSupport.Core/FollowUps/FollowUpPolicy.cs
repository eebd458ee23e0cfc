using ChatSupport.Expressions;

namespace ChatSupport.FollowUps;

/// <summary>
/// Which follow-up questionnaire a resident gets after a response, and when: the first rule whose condition
/// holds sets the interval in days; <see cref="StopWhen"/> ends the follow-ups (recovered, observation over).
/// </summary>
public sealed record FollowUpPolicy(IReadOnlyList<FollowUpRule> Rules, CompiledExpression? StopWhen, TimeOnly? At);

public sealed record FollowUpRule(string Name, CompiledExpression? When, string Questionnaire, int EveryDays);

/// <summary>The engine's decision: next questionnaire and local date (and time, if the policy fixes one), or none.</summary>
public sealed record FollowUpDecision(string? Questionnaire, DateOnly? Due, TimeOnly? At, string Reason)
{
    public bool Scheduled => Due is not null;
}

public static class FollowUpPlanner
{
    /// <summary>Pure: decides the next follow-up from a completed response's values, with <paramref name="scope"/>'s today.</summary>
    public static FollowUpDecision Next(FollowUpPolicy? policy, IEvaluationScope scope)
    {
        if (policy is null) return new FollowUpDecision(null, null, null, "no follow-up policy");
        if (policy.StopWhen is not null && policy.StopWhen.IsTrue(scope))
            return new FollowUpDecision(null, null, null, "stopped: " + policy.StopWhen.Source);
        foreach (var rule in policy.Rules)
        {
            if (rule.When is not null && !rule.When.IsTrue(scope)) continue;
            return new FollowUpDecision(rule.Questionnaire, scope.Today.AddDays(rule.EveryDays), policy.At, rule.Name);
        }
        return new FollowUpDecision(null, null, null, "no rule matched");
    }
}

using ChatSupport.Expressions;
using ChatSupport.Questionnaires;

namespace ChatSupport.FollowUps;

/// <summary>
/// Which follow-up questionnaire a resident gets after a response, and when: the first rule whose condition
/// holds sets the interval in days; <see cref="StopWhen"/> ends the follow-ups (recovered, observation over).
/// </summary>
public sealed record FollowUpPolicy(IReadOnlyList<FollowUpRule> Rules, CompiledExpression? StopWhen, TimeOnly? At)
{
    /// <summary>
    /// SHA-256 of the <c>follow_up</c> section as written (comments, layout and key order do not count), hex. The reports
    /// mark the first day a new one is served: who is asked again and how often changed with it.
    /// </summary>
    public string Fingerprint { get; init; } = "";

    /// <summary>The invitation sent on the day (a rule's own prompt wins; otherwise the engine's).</summary>
    public LocalizedText? Prompt { get; init; }

    /// <summary>An observation period relative to a date of the resident's: no follow-up after it ends.</summary>
    public ObservationPeriod? Observe { get; init; }

    /// <summary>What happens when a resident does not answer the day's invitation (a rule's own ladder wins).</summary>
    public NoAnswerLadder IfNoAnswer { get; init; } = NoAnswerLadder.Default;

    /// <summary>The rule a resident's schedule came from, by name (null when the questionnaire was edited since).</summary>
    public FollowUpRule? Rule(string? name) => Rules.FirstOrDefault(r => r.Name == name);
}

public sealed record FollowUpRule(string Name, CompiledExpression? When, string Questionnaire, int EveryDays)
{
    public LocalizedText? Prompt { get; init; }
    public NoAnswerLadder? IfNoAnswer { get; init; }
}

/// <summary>
/// Follow-ups end <see cref="Days"/> days after a date of the resident's (<see cref="From"/>: e.g. the onset of
/// fever, or the day of the first report when it is absent), as a campaign of RapidPro ends relative to a contact's date.
/// </summary>
public sealed record ObservationPeriod(CompiledExpression? From, int Days);

/// <summary>Reminders a given time after the invitation to those who have not answered, then (optionally) a staff alert "unreachable".</summary>
public sealed record NoAnswerLadder(IReadOnlyList<TimeSpan> RemindAfter, TimeSpan? AlertAfter)
{
    public static readonly NoAnswerLadder Default = new([TimeSpan.FromHours(6)], null);

    /// <summary>The steps in time order: reminder 1..n, then the alert.</summary>
    public IEnumerable<(int Step, TimeSpan After, bool Alert)> Steps() =>
        RemindAfter.Select((after, i) => (i + 1, after, false))
            .Concat(AlertAfter is { } a ? [(RemindAfter.Count + 1, a, true)] : [])
            .OrderBy(s => s.Item2);
}

/// <summary>The engine's decision: next questionnaire and local date (and time, if the policy fixes one), or none.</summary>
public sealed record FollowUpDecision(string? Questionnaire, DateOnly? Due, TimeOnly? At, string Reason)
{
    public bool Scheduled => Due is not null;

    /// <summary>The interval of the rule that matched: the planner moves an unanswered resident on by it.</summary>
    public int EveryDays { get; init; }

    /// <summary>The last day of the observation period, if the policy has one.</summary>
    public DateOnly? Until { get; init; }
}

public static class FollowUpPlanner
{
    /// <summary>Pure: decides the next follow-up from a completed response's values, with <paramref name="scope"/>'s today.</summary>
    public static FollowUpDecision Next(FollowUpPolicy? policy, IEvaluationScope scope)
    {
        if (policy is null) return new FollowUpDecision(null, null, null, "no follow-up policy");
        if (policy.StopWhen is not null && policy.StopWhen.IsTrue(scope))
            return new FollowUpDecision(null, null, null, "stopped: " + policy.StopWhen.Source);
        DateOnly? until = null;
        if (policy.Observe is { } observe)
        {
            var from = observe.From?.Evaluate(scope) is DateOnly d ? d : scope.Today;
            until = from.AddDays(observe.Days);
        }
        foreach (var rule in policy.Rules)
        {
            if (rule.When is not null && !rule.When.IsTrue(scope)) continue;
            var due = scope.Today.AddDays(rule.EveryDays);
            if (due > until) return new FollowUpDecision(null, null, null, $"observation over on {until:yyyy-MM-dd}");
            return new FollowUpDecision(rule.Questionnaire, due, policy.At, rule.Name) { EveryDays = rule.EveryDays, Until = until };
        }
        return new FollowUpDecision(null, null, null, "no rule matched");
    }
}

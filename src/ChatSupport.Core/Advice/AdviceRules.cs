using ChatSupport.Expressions;
using ChatSupport.Questionnaires;

namespace ChatSupport.Advice;

public enum AdviceMatch { First, All }

/// <summary>Ordered advice rules; <see cref="AdviceMatch.First"/> gives the first that matches, <see cref="AdviceMatch.All"/> every one.</summary>
public sealed record AdviceGroup(string Id, AdviceMatch Match, IReadOnlyList<AdviceRule> Rules);

/// <summary>When the condition holds, the resident gets the message and the response keeps the category id.</summary>
public sealed record AdviceRule(string Category, CompiledExpression? When, MessageTemplate Message);

/// <summary>Advice chosen for a completed response, in the order of the file.</summary>
public sealed record AdviceResult(string Group, string Category, MessageTemplate Message);

public static class AdviceEvaluator
{
    /// <summary>Pure: the rules that apply to the values in <paramref name="scope"/>.</summary>
    public static IReadOnlyList<AdviceResult> Evaluate(IReadOnlyList<AdviceGroup> groups, IEvaluationScope scope)
    {
        var results = new List<AdviceResult>();
        foreach (var group in groups)
        {
            foreach (var rule in group.Rules)
            {
                if (rule.When is not null && !rule.When.IsTrue(scope)) continue;
                results.Add(new AdviceResult(group.Id, rule.Category, rule.Message));
                if (group.Match == AdviceMatch.First) break;
            }
        }
        return results;
    }
}

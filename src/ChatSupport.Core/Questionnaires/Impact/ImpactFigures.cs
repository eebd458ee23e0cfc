using ChatSupport.Advice;
using ChatSupport.Reports;

namespace ChatSupport.Questionnaires.Impact;

/// <summary>A published count: the number, or <see cref="Suppressed"/> (and no number) when it is a small cell or would reveal one.</summary>
public sealed record ImpactCount(long? Count, bool Suppressed)
{
    public static ImpactCount Of(long count, bool hidden) => hidden ? new ImpactCount(null, true) : new ImpactCount(count, false);
}

/// <summary>Responses given an advice category (<see cref="Group"/>: its advice group), interrupted by an emergency, or escalated, before and after.</summary>
public sealed record ImpactCategory(string? Group, string Category, ImpactCount Before, ImpactCount After);

/// <summary>Responses whose outcome the candidate changes, by kind; <see cref="NewlyRequired"/>: those the candidate would ask something they never answered.</summary>
public sealed record ImpactChanges(ImpactCount Advice, ImpactCount Emergency, ImpactCount Escalation, ImpactCount FollowUp, ImpactCount NewlyRequired);

/// <summary>Per question: responses in which the candidate no longer asks it, and in which it newly requires it without a stored answer.</summary>
public sealed record ImpactQuestion(string Question, ImpactCount NoLongerAsked, ImpactCount NewlyRequired);

/// <summary>
/// What publishing a candidate version would have changed for the responses of a period: aggregates only, with small
/// cells suppressed at <see cref="K"/> as in the officials' reports.
/// </summary>
public sealed record ImpactFigures(
    string QuestionnaireId,
    string BeforeVersion,
    string AfterVersion,
    int K,
    ImpactCount Responses,
    IReadOnlyList<ImpactCategory> Advice,
    IReadOnlyList<ImpactCategory> Emergencies,
    IReadOnlyList<ImpactCategory> Escalations,
    ImpactChanges Changed,
    IReadOnlyList<ImpactQuestion> Questions)
{
    /// <summary>The tally's counts, suppressed: every count hidden by <see cref="ImpactSuppression"/> is published as suppressed.</summary>
    public static ImpactFigures From(ImpactTally tally, int k)
    {
        var hidden = ImpactSuppression.Hide(tally, k);
        ImpactCount Count(string key, long value) => ImpactCount.Of(value, hidden.Contains(key));
        ImpactCategory Category(string? group, string category, string prefix, long[]? counts) =>
            new(group, category, Count($"{prefix}:before", counts?[0] ?? 0), Count($"{prefix}:after", counts?[1] ?? 0));

        var (before, after) = (tally.Before, tally.After);
        var advice = AdviceKeys(before).Concat(AdviceKeys(after)).Distinct()
            .Select(x => Category(x.Group, x.Category, ImpactSuppression.AdviceKey(x.Group, x.Category), tally.Advice.GetValueOrDefault(x))).ToList();
        var emergencies = before.Emergencies.Concat(after.Emergencies).Select(e => e.Category).Distinct(StringComparer.Ordinal)
            .Select(c => Category(null, c, "emergency:" + c, tally.Emergencies.GetValueOrDefault(c))).ToList();
        var escalations = before.Escalations.Concat(after.Escalations).Select(e => e.Category).Distinct(StringComparer.Ordinal)
            .Select(c => Category(null, c, "escalation:" + c, tally.Escalations.GetValueOrDefault(c))).ToList();
        var changed = new ImpactChanges(Count("changed:advice", tally.DifferentAdvice), Count("changed:emergency", tally.DifferentEmergency),
            Count("changed:escalation", tally.DifferentEscalation), Count("changed:follow-up", tally.DifferentFollowUp), Count("changed:newly-required", tally.WithNewlyRequired));
        var questions = before.Questions.Concat(after.Questions).Where(q => q.HasAnswer).Select(q => q.Id).Distinct(StringComparer.Ordinal)
            .Select(q => new ImpactQuestion(q, Count("no-longer-asked:" + q, tally.NoLongerAsked.GetValueOrDefault(q)), Count("newly-required:" + q, tally.NewlyRequired.GetValueOrDefault(q))))
            .ToList();
        return new ImpactFigures(before.Id, before.Version, after.Version, k, Count(ImpactSuppression.ResponsesKey, tally.Responses), advice, emergencies, escalations, changed, questions);
    }

    private static IEnumerable<(string Group, string Category)> AdviceKeys(QuestionnaireDefinition definition) =>
        definition.Advice.SelectMany(g => g.Rules.Select(r => (g.Id, r.Category)));
}

/// <summary>
/// Which of an impact report's counts to hide, by the officials' reports' rule (<see cref="SmallCellSuppression"/>):
/// every count from 1 to k − 1, and more until none can be worked out from what is published. Every count is part of
/// the responses replayed, so each is a table with the rest of them (a rest is treated as known, as anyone who reads
/// the questionnaire can tell which counts add up); the categories of an advice group that gives the first rule that
/// matches, with the emergencies, share out the responses of a side, and so do the emergencies with "none". A count
/// hidden by one table is hidden in all of them (the number of responses too), until nothing changes.
/// </summary>
public static class ImpactSuppression
{
    public const string ResponsesKey = "responses";

    public static string AdviceKey(string group, string category) => $"advice:{group}:{category}";

    public static HashSet<string> Hide(ImpactTally tally, int k)
    {
        var counts = Counts(tally);
        var tables = Tables(tally).Select(keys => keys.Where(counts.ContainsKey).ToList()).ToList();
        var hidden = new HashSet<string>(StringComparer.Ordinal);
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var keys in tables)
            {
                // One column: the counts, then the rest of the responses; the column's total is the number of responses.
                // Each row's total is the count itself: not a second published value (unknown unless worked out).
                var cells = new long[keys.Count + 1, 1];
                var forced = new bool[keys.Count + 2, 2];
                var sameAsCell = new bool[keys.Count + 2, 2];
                for (var r = 0; r < keys.Count; r++)
                {
                    cells[r, 0] = counts[keys[r]];
                    forced[r, 0] = hidden.Contains(keys[r]);
                }
                cells[keys.Count, 0] = Math.Max(0, tally.Responses - keys.Sum(key => counts[key]));
                forced[keys.Count + 1, 0] = hidden.Contains(ResponsesKey);
                for (var r = 0; r < keys.Count + 2; r++) sameAsCell[r, 1] = true;
                var mask = SmallCellSuppression.Suppress(cells, k, forced, sameAsCell);
                for (var r = 0; r < keys.Count; r++)
                    if (mask[r, 0] && hidden.Add(keys[r])) changed = true;
                if (mask[keys.Count + 1, 0] && hidden.Add(ResponsesKey)) changed = true;
            }
        }
        return hidden;
    }

    private static Dictionary<string, long> Counts(ImpactTally tally)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal) { [ResponsesKey] = tally.Responses };
        void Sides(string prefix, long[] values) => (counts[prefix + ":before"], counts[prefix + ":after"]) = (values[0], values[1]);
        foreach (var ((group, category), values) in tally.Advice) Sides(AdviceKey(group, category), values);
        foreach (var (category, values) in tally.Emergencies) Sides("emergency:" + category, values);
        foreach (var (category, values) in tally.Escalations) Sides("escalation:" + category, values);
        counts["changed:advice"] = tally.DifferentAdvice;
        counts["changed:emergency"] = tally.DifferentEmergency;
        counts["changed:escalation"] = tally.DifferentEscalation;
        counts["changed:follow-up"] = tally.DifferentFollowUp;
        counts["changed:newly-required"] = tally.WithNewlyRequired;
        foreach (var (question, n) in tally.NoLongerAsked) counts["no-longer-asked:" + question] = n;
        foreach (var (question, n) in tally.NewlyRequired) counts["newly-required:" + question] = n;
        return counts;
    }

    /// <summary>The counts that are parts of the responses together (absent keys count zero and are dropped).</summary>
    private static IEnumerable<List<string>> Tables(ImpactTally tally)
    {
        foreach (var (side, definition) in new[] { ("before", tally.Before), ("after", tally.After) })
        {
            var emergencies = definition.Emergencies.Select(e => $"emergency:{e.Category}:{side}").Distinct(StringComparer.Ordinal).ToList();
            yield return emergencies;
            foreach (var group in definition.Advice)
            {
                var categories = group.Rules.Select(r => $"{AdviceKey(group.Id, r.Category)}:{side}").Distinct(StringComparer.Ordinal).ToList();
                if (group.Match == AdviceMatch.First) yield return [.. categories, .. emergencies];
                else foreach (var category in categories) yield return [category];
            }
        }
        foreach (var key in Counts(tally).Keys.Where(key => key != ResponsesKey)) yield return [key];
    }
}

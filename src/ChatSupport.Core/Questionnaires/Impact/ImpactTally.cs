namespace ChatSupport.Questionnaires.Impact;

/// <summary>
/// Counts what a candidate version would change, response by response: each stored response is replayed under the
/// published version ("before") and the candidate ("after"), and only counts are kept (never a response).
/// </summary>
public sealed class ImpactTally(QuestionnaireDefinition before, QuestionnaireDefinition after)
{
    public QuestionnaireDefinition Before { get; } = before;
    public QuestionnaireDefinition After { get; } = after;

    public long Responses { get; private set; }

    /// <summary>Responses given each advice category, by advice group: [before, after].</summary>
    public Dictionary<(string Group, string Category), long[]> Advice { get; } = [];

    /// <summary>Responses interrupted by each emergency: [before, after].</summary>
    public Dictionary<string, long[]> Emergencies { get; } = new(StringComparer.Ordinal);

    /// <summary>Responses meeting each escalation rule's category (an emergency's own escalation is under <see cref="Emergencies"/>): [before, after].</summary>
    public Dictionary<string, long[]> Escalations { get; } = new(StringComparer.Ordinal);

    /// <summary>Responses whose advice categories (the emergency's included) differ as a set.</summary>
    public long DifferentAdvice { get; private set; }
    /// <summary>Responses interrupted by another emergency, or by one where there was none, or no longer by one.</summary>
    public long DifferentEmergency { get; private set; }
    /// <summary>Responses whose escalations to staff (the emergency's included) differ as a set.</summary>
    public long DifferentEscalation { get; private set; }
    /// <summary>Responses whose next follow-up (questionnaire and day, or none) differs.</summary>
    public long DifferentFollowUp { get; private set; }
    /// <summary>Responses with at least one question the candidate newly requires.</summary>
    public long WithNewlyRequired { get; private set; }

    /// <summary>Per question: responses in which the published version asks it and the candidate does not.</summary>
    public Dictionary<string, long> NoLongerAsked { get; } = new(StringComparer.Ordinal);
    /// <summary>Per question: responses in which the candidate requires an answer the stored response lacks (and the published version did not).</summary>
    public Dictionary<string, long> NewlyRequired { get; } = new(StringComparer.Ordinal);

    public void Add(StoredResponse response) => Add(ResponseReplay.Replay(Before, response), ResponseReplay.Replay(After, response));

    public void Add(ReplayOutcome before, ReplayOutcome after)
    {
        Responses++;
        foreach (var key in before.Decisions.Advice.Select(a => (a.Group, a.Category)).Distinct()) Slot(Advice, key)[0]++;
        foreach (var key in after.Decisions.Advice.Select(a => (a.Group, a.Category)).Distinct()) Slot(Advice, key)[1]++;
        if (before.Decisions.Emergency is { } e1) Slot(Emergencies, e1)[0]++;
        if (after.Decisions.Emergency is { } e2) Slot(Emergencies, e2)[1]++;
        foreach (var category in before.Decisions.Escalations.Select(r => r.Category).Distinct(StringComparer.Ordinal)) Slot(Escalations, category)[0]++;
        foreach (var category in after.Decisions.Escalations.Select(r => r.Category).Distinct(StringComparer.Ordinal)) Slot(Escalations, category)[1]++;

        if (!SameSet(before.Decisions.AdviceCategories, after.Decisions.AdviceCategories)) DifferentAdvice++;
        if (before.Decisions.Emergency != after.Decisions.Emergency) DifferentEmergency++;
        if (!SameSet(before.Decisions.EscalationCategories, after.Decisions.EscalationCategories)) DifferentEscalation++;
        if ((before.Decisions.FollowUp?.Questionnaire, before.Decisions.FollowUp?.Due) != (after.Decisions.FollowUp?.Questionnaire, after.Decisions.FollowUp?.Due)) DifferentFollowUp++;

        foreach (var question in before.Asked)
            if (!after.Asked.Contains(question)) NoLongerAsked[question] = NoLongerAsked.GetValueOrDefault(question) + 1;
        var newly = false;
        foreach (var question in after.Unanswered)
        {
            if (before.Unanswered.Contains(question)) continue;
            NewlyRequired[question] = NewlyRequired.GetValueOrDefault(question) + 1;
            newly = true;
        }
        if (newly) WithNewlyRequired++;
    }

    private static long[] Slot<TKey>(Dictionary<TKey, long[]> counts, TKey key) where TKey : notnull
    {
        if (!counts.TryGetValue(key, out var slot)) counts[key] = slot = new long[2];
        return slot;
    }

    private static bool SameSet(IReadOnlyList<string> a, IReadOnlyList<string> b) =>
        a.ToHashSet(StringComparer.Ordinal).SetEquals(b);
}

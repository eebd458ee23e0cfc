using System.Text.Json.Nodes;
using ChatSupport.Expressions;
using ChatSupport.Residents;

namespace ChatSupport.Questionnaires;

/// <summary>
/// What a response's expressions see: its answers so far, its computed values (evaluated on first use),
/// the area row for its postal code, today, and the resident's earlier responses.
/// </summary>
public sealed class ResponseScope(QuestionnaireDefinition definition, JsonObject answers, DateOnly today, IReadOnlyList<HistoryRecord> history)
    : IEvaluationScope
{
    private readonly Dictionary<string, object?> _computed = new(StringComparer.Ordinal);

    public DateOnly Today { get; } = today;
    public IReadOnlyList<HistoryRecord> History { get; } = history;

    public object? GetValue(string name)
    {
        if (definition.FindQuestion(name) is { } q) return AnswerValues.FromJson(answers[name], q.ValueType);
        if (_computed.TryGetValue(name, out var cached)) return cached;
        if (definition.Computed.FirstOrDefault(c => c.Id == name) is { } computed)
            return _computed[name] = computed.Expression.Evaluate(this);
        if (name.StartsWith("area.", StringComparison.Ordinal) && definition.Areas is { } areas)
            return areas.Lookup(AreaKey(areas.KeyQuestion))?.GetValueOrDefault(name[5..]);
        return null;
    }

    /// <summary>This response's postal code (or area), else the one the resident gave last time.</summary>
    private string? AreaKey(string key)
    {
        if (GetValue(key) is string code) return code;
        foreach (var record in History)
            if (record.Values.GetValueOrDefault(key) is string earlier) return earlier;
        return null;
    }

    /// <summary>Every answer given and every computed value: what a history record and an outcome keep.</summary>
    public IReadOnlyDictionary<string, object?> Values()
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var q in definition.Questions.Where(q => q.HasAnswer && answers.ContainsKey(q.Id))) values[q.Id] = GetValue(q.Id);
        foreach (var c in definition.Computed) values[c.Id] = GetValue(c.Id);
        return values;
    }
}

using ChatSupport.Residents;

namespace ChatSupport.Expressions;

/// <summary>What an expression reads when it runs: values by name, today's date, the resident's history.</summary>
public interface IEvaluationScope
{
    DateOnly Today { get; }
    object? GetValue(string name);
    /// <summary>Earlier responses, newest first (empty when the resident has none).</summary>
    IReadOnlyList<HistoryRecord> History { get; }
}

/// <summary>A history record seen as a scope: the history functions evaluate their argument against each day.</summary>
internal sealed class RecordScope(HistoryRecord record) : IEvaluationScope
{
    public DateOnly Today => record.Date;
    public object? GetValue(string name) => record.Values.GetValueOrDefault(name);
    public IReadOnlyList<HistoryRecord> History => [];
}

/// <summary>A name an expression may use, with its type (and, for choices, option ids and their numbers).</summary>
public sealed record Symbol(string Name, ExprType Type)
{
    public IReadOnlyDictionary<string, decimal>? OptionNumbers { get; init; }
    /// <summary>An answer (as opposed to a computed value): <c>answered()</c> and <c>previous()</c> take these.</summary>
    public bool IsAnswer { get; init; }
}

/// <summary>The names known to a questionnaire's expressions.</summary>
public sealed class SymbolTable
{
    private readonly Dictionary<string, Symbol> _symbols = new(StringComparer.Ordinal);

    public SymbolTable Add(Symbol symbol)
    {
        _symbols[symbol.Name] = symbol;
        return this;
    }

    public Symbol? Find(string name) => _symbols.GetValueOrDefault(name);

    /// <summary>A name being defined: it may be read only through previous(), never directly (no cycles).</summary>
    public string? Forbidden { get; set; }
    public IEnumerable<string> Names => _symbols.Keys;
}

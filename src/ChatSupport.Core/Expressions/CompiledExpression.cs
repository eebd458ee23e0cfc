namespace ChatSupport.Expressions;

/// <summary>
/// An expression that was parsed and type-checked when its questionnaire loaded; evaluating it cannot fail
/// for type reasons and runs no code but the documented operators and functions.
/// </summary>
public sealed class CompiledExpression
{
    private readonly Func<IEvaluationScope, object?> _eval;

    private CompiledExpression(string source, ExprType type, Func<IEvaluationScope, object?> eval, IReadOnlySet<string> references)
    {
        Source = source;
        Type = type;
        _eval = eval;
        References = references;
    }

    /// <summary>The names this expression reads from the current response (previous() reads history and is not counted).</summary>
    public IReadOnlySet<string> References { get; }

    public string Source { get; }
    public ExprType Type { get; }

    /// <summary>Parses and type-checks; throws <see cref="ExpressionException"/> with the position of the first error.</summary>
    public static CompiledExpression Compile(string source, SymbolTable symbols, ExprType? expected = null)
    {
        var binder = new Binder(symbols);
        var bound = binder.Bind(Parser.Parse(source));
        if (expected is not null && bound.Type.Kind != TypeKind.Null && !bound.Type.Equals(expected))
            throw new ExpressionException($"This expression gives a {bound.Type}, but a {expected} is needed here.", 0);
        return new CompiledExpression(source, bound.Type, bound.Eval, binder.References);
    }

    public object? Evaluate(IEvaluationScope scope) => _eval(scope);

    /// <summary>True only when the value is true (null, "not answered", counts as false).</summary>
    public bool IsTrue(IEvaluationScope scope) => _eval(scope) is true;

    public override string ToString() => Source;
}

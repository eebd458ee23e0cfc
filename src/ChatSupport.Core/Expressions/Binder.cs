namespace ChatSupport.Expressions;

internal sealed record Bound(ExprType Type, Func<IEvaluationScope, object?> Eval, object? Constant = null, bool IsConstant = false);

/// <summary>Type-checks syntax against the symbol table and turns it into delegates.</summary>
internal sealed partial class Binder(SymbolTable symbols)
{
    private bool _inHistory;

    /// <summary>Names the expression reads now (not through previous()), for dependency checks.</summary>
    public HashSet<string> References { get; } = new(StringComparer.Ordinal);

    public Bound Bind(Syntax syntax) => syntax switch
    {
        LiteralSyntax l => Literal(l.Value),
        NameSyntax n => Name(n),
        ListSyntax l => List(l),
        UnarySyntax u => Unary(u),
        BinarySyntax b => Binary(b),
        CallSyntax c => Call(c),
        _ => throw new ExpressionException("Unsupported expression.", syntax.Position),
    };

    private static Bound Literal(object? value) => new(value switch
    {
        null => ExprType.Null,
        bool => ExprType.Bool,
        decimal => ExprType.Number,
        _ => ExprType.Text,
    }, _ => value, value, true);

    private Bound Name(NameSyntax n)
    {
        if (n.Name == "today") return new Bound(ExprType.Date, s => s.Today);
        if (n.Name == symbols.Forbidden)
            throw new ExpressionException($"'{n.Name}' cannot use itself; use previous({n.Name}) for its value in the resident's earlier response.", n.Position);
        var symbol = symbols.Find(n.Name) ?? throw UnknownName(n.Name, n.Position);
        var name = symbol.Name;
        References.Add(name);
        return new Bound(symbol.Type, s => s.GetValue(name));
    }

    private ExpressionException UnknownName(string name, int position)
    {
        var hint = NameSuggestion.Hint(name, symbols.Names.Append("today"));
        return new ExpressionException($"Unknown name '{name}'.{hint} Names here are the ids of questions and computed values defined before this point, and 'today'.", position);
    }

    private Bound List(ListSyntax l)
    {
        var items = l.Items.Select(Bind).ToList();
        foreach (var (item, syntax) in items.Zip(l.Items))
            if (!item.IsConstant || item.Type.Kind != TypeKind.Text)
                throw new ExpressionException("A list [..] holds 'text' values only, written in quotes.", syntax.Position);
        IReadOnlyList<string> values = [.. items.Select(i => (string)i.Constant!)];
        return new Bound(ExprType.Set, _ => values, values, true);
    }

    private Bound Unary(UnarySyntax u)
    {
        var operand = Bind(u.Operand);
        if (u.Operator == "not")
        {
            Require(operand, TypeKind.Bool, u.Operand.Position, "'not'");
            return new Bound(ExprType.Bool, s => operand.Eval(s) is not true);
        }
        Require(operand, TypeKind.Number, u.Operand.Position, "'-'");
        return new Bound(ExprType.Number, s => operand.Eval(s) is decimal d ? -d : null);
    }

    private Bound Binary(BinarySyntax b)
    {
        var left = Bind(b.Left);
        var right = Bind(b.Right);
        switch (b.Operator)
        {
            case "and" or "or":
                Require(left, TypeKind.Bool, b.Left.Position, $"'{b.Operator}'");
                Require(right, TypeKind.Bool, b.Right.Position, $"'{b.Operator}'");
                return b.Operator == "and"
                    ? new Bound(ExprType.Bool, s => left.Eval(s) is true && right.Eval(s) is true)
                    : new Bound(ExprType.Bool, s => left.Eval(s) is true || right.Eval(s) is true);
            case "==" or "!=":
                CheckComparable(left, right, b);
                CheckOption(left, right, b.Right.Position);
                CheckOption(right, left, b.Left.Position);
                var negate = b.Operator == "!=";
                return new Bound(ExprType.Bool, s => Values.AreEqual(left.Eval(s), right.Eval(s)) != negate);
            case "<" or "<=" or ">" or ">=":
                return Ordering(b, left, right);
            case "in":
                return In(b, left, right);
            case "+" or "-":
                return Additive(b, left, right);
            default:
                Require(left, TypeKind.Number, b.Left.Position, $"'{b.Operator}'");
                Require(right, TypeKind.Number, b.Right.Position, $"'{b.Operator}'");
                return b.Operator == "*"
                    ? new Bound(ExprType.Number, s => left.Eval(s) is decimal x && right.Eval(s) is decimal y ? Values.Checked(() => x * y) : null)
                    : new Bound(ExprType.Number, s => left.Eval(s) is decimal x && right.Eval(s) is decimal y && y != 0 ? Values.Checked(() => x / y) : null);
        }
    }

    private static Bound Ordering(BinarySyntax b, Bound left, Bound right)
    {
        var kind = left.Type.Kind == TypeKind.Null ? right.Type.Kind : left.Type.Kind;
        if (kind is not (TypeKind.Number or TypeKind.Date))
            throw new ExpressionException($"'{b.Operator}' compares numbers or dates, not {left.Type}.", b.Left.Position);
        CheckComparable(left, right, b);
        var op = b.Operator;
        return new Bound(ExprType.Bool, s =>
        {
            var c = Values.Compare(left.Eval(s), right.Eval(s));
            return c is { } v && op switch { "<" => v < 0, "<=" => v <= 0, ">" => v > 0, _ => v >= 0 };
        });
    }

    private static Bound In(BinarySyntax b, Bound left, Bound right)
    {
        if (right.Type.Kind != TypeKind.Set)
            throw new ExpressionException($"'in' needs a list on its right (a multiple-choice answer or ['a', 'b']), not {right.Type}.", b.Right.Position);
        if (left.Type.Kind is not (TypeKind.Text or TypeKind.Null))
            throw new ExpressionException($"'in' looks for a text or choice value, not {left.Type}.", b.Left.Position);
        CheckOption(right, left, b.Left.Position);
        if (left.IsConstant is false) CheckOption(left, right, b.Right.Position);
        return new Bound(ExprType.Bool, s => left.Eval(s) is string x && right.Eval(s) is IReadOnlyList<string> list && list.Contains(x));
    }

    private static Bound Additive(BinarySyntax b, Bound left, Bound right)
    {
        if (left.Type.Kind == TypeKind.Date && right.Type.Kind == TypeKind.Number)
        {
            var sign = b.Operator == "+" ? 1 : -1;
            return new Bound(ExprType.Date, s => left.Eval(s) is DateOnly d && right.Eval(s) is decimal n ? Values.AddDays(d, sign * n) : null);
        }
        Require(left, TypeKind.Number, b.Left.Position, $"'{b.Operator}'");
        Require(right, TypeKind.Number, b.Right.Position, $"'{b.Operator}'");
        return b.Operator == "+"
            ? new Bound(ExprType.Number, s => left.Eval(s) is decimal x && right.Eval(s) is decimal y ? Values.Checked(() => x + y) : null)
            : new Bound(ExprType.Number, s => left.Eval(s) is decimal x && right.Eval(s) is decimal y ? Values.Checked(() => x - y) : null);
    }

    private static void Require(Bound b, TypeKind kind, int position, string what)
    {
        if (b.Type.Kind != kind && b.Type.Kind != TypeKind.Null)
            throw new ExpressionException($"{what} needs a {new ExprType(kind)} here, but this is a {b.Type}.", position);
    }

    private static void CheckComparable(Bound left, Bound right, BinarySyntax b)
    {
        if (left.Type.Kind != TypeKind.Null && right.Type.Kind != TypeKind.Null && left.Type.Kind != right.Type.Kind)
            throw new ExpressionException($"'{b.Operator}' compares a {left.Type} with a {right.Type}; both sides must be of one type.", b.Position);
    }

    /// <summary>When <paramref name="choice"/> has options, a constant on the other side must be one of them.</summary>
    private static void CheckOption(Bound choice, Bound other, int position)
    {
        if (choice.Type.Options is not { } options || !other.IsConstant) return;
        var values = other.Constant switch
        {
            string s => [s],
            IReadOnlyList<string> list => list,
            _ => [],
        };
        foreach (var v in values)
            if (!options.Contains(v))
                throw new ExpressionException($"'{v}' is not an option of this question; its options are: {string.Join(", ", options)}.", position);
    }
}

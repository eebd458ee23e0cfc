namespace ChatSupport.Expressions;

/// <summary>
/// Recursive descent over: or → and → not → comparison (== != &lt; &lt;= &gt; &gt;= in) → + - → * / → unary → primary.
/// </summary>
internal sealed class Parser
{
    private readonly List<Token> _tokens;
    private int _next;

    private Parser(string source) => _tokens = Lexer.Tokenize(source);

    public static Syntax Parse(string source)
    {
        var parser = new Parser(source);
        if (parser.Peek.Kind == TokenKind.End) throw new ExpressionException("The expression is empty.", 0);
        var result = parser.Or();
        if (parser.Peek.Kind != TokenKind.End)
            throw new ExpressionException($"Unexpected '{parser.Peek.Text}': an operator such as 'and' or '==' may be missing.", parser.Peek.Position);
        return result;
    }

    private Token Peek => _tokens[_next];
    private Token Take() => _tokens[_next++];

    private bool TakeIf(params string[] texts)
    {
        var t = Peek;
        if (t.Kind is TokenKind.Operator or TokenKind.Identifier && texts.Contains(t.Text)) { _next++; return true; }
        return false;
    }

    private Syntax Or()
    {
        var left = And();
        while (Peek is var t && TakeIf("or", "||")) left = new BinarySyntax("or", left, And(), t.Position);
        return left;
    }

    private Syntax And()
    {
        var left = Not();
        while (Peek is var t && TakeIf("and", "&&")) left = new BinarySyntax("and", left, Not(), t.Position);
        return left;
    }

    private Syntax Not()
    {
        var t = Peek;
        return TakeIf("not", "!") ? new UnarySyntax("not", Not(), t.Position) : Comparison();
    }

    private Syntax Comparison()
    {
        var left = Additive();
        var t = Peek;
        if (TakeIf("==", "=", "!=", "<", "<=", ">", ">=", "in"))
        {
            var op = t.Text == "=" ? "==" : t.Text;
            return new BinarySyntax(op, left, Additive(), t.Position);
        }
        return left;
    }

    private Syntax Additive()
    {
        var left = Multiplicative();
        while (Peek is var t && TakeIf("+", "-")) left = new BinarySyntax(t.Text, left, Multiplicative(), t.Position);
        return left;
    }

    private Syntax Multiplicative()
    {
        var left = Unary();
        while (Peek is var t && TakeIf("*", "/")) left = new BinarySyntax(t.Text, left, Unary(), t.Position);
        return left;
    }

    private Syntax Unary()
    {
        var t = Peek;
        return TakeIf("-") ? new UnarySyntax("-", Unary(), t.Position) : Primary();
    }

    private Syntax Primary()
    {
        var t = Take();
        switch (t.Kind)
        {
            case TokenKind.Number: return new LiteralSyntax(t.Number, t.Position);
            case TokenKind.String: return new LiteralSyntax(t.Text, t.Position);
            case TokenKind.Identifier:
                switch (t.Text)
                {
                    case "true": return new LiteralSyntax(true, t.Position);
                    case "false": return new LiteralSyntax(false, t.Position);
                    case "null": return new LiteralSyntax(null, t.Position);
                    case "and" or "or" or "not" or "in":
                        throw new ExpressionException($"'{t.Text}' needs a value before it.", t.Position);
                }
                if (Peek.Text == "(" && Peek.Kind == TokenKind.Operator)
                {
                    Take();
                    return new CallSyntax(t.Text, Arguments(")"), t.Position);
                }
                return new NameSyntax(t.Text, t.Position);
            case TokenKind.Operator when t.Text == "(":
                var inner = Or();
                Expect(")");
                return inner;
            case TokenKind.Operator when t.Text == "[":
                return new ListSyntax(Arguments("]"), t.Position);
            case TokenKind.End:
                throw new ExpressionException("The expression ends too early: a value is missing.", t.Position);
            default:
                throw new ExpressionException($"Unexpected '{t.Text}'.", t.Position);
        }
    }

    private List<Syntax> Arguments(string close)
    {
        var args = new List<Syntax>();
        if (TakeIf(close)) return args;
        do args.Add(Or()); while (TakeIf(","));
        Expect(close);
        return args;
    }

    private void Expect(string text)
    {
        if (!TakeIf(text)) throw new ExpressionException($"Expected '{text}' here.", Peek.Position);
    }
}

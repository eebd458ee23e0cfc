namespace ChatSupport.Expressions;

/// <summary>The parsed, not yet type-checked, expression.</summary>
internal abstract record Syntax(int Position);
internal sealed record LiteralSyntax(object? Value, int Position) : Syntax(Position);
internal sealed record NameSyntax(string Name, int Position) : Syntax(Position);
internal sealed record ListSyntax(IReadOnlyList<Syntax> Items, int Position) : Syntax(Position);
internal sealed record UnarySyntax(string Operator, Syntax Operand, int Position) : Syntax(Position);
internal sealed record BinarySyntax(string Operator, Syntax Left, Syntax Right, int Position) : Syntax(Position);
internal sealed record CallSyntax(string Function, IReadOnlyList<Syntax> Arguments, int Position) : Syntax(Position);

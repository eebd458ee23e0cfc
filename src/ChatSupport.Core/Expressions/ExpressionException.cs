namespace ChatSupport.Expressions;

/// <summary>A syntax or type error in an expression, at a 0-based character position.</summary>
public sealed class ExpressionException(string message, int position) : Exception(message)
{
    public int Position { get; } = position;
}

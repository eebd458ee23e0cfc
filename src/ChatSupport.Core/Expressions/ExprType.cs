namespace ChatSupport.Expressions;

public enum TypeKind { Null, Bool, Number, Text, Date, Set }

/// <summary>
/// The type of an expression. Text and Set may carry the option ids of a choice question, so that
/// <c>fever == 'tomorrow'</c> is caught when the file loads, not when a resident answers.
/// </summary>
public sealed record ExprType(TypeKind Kind, IReadOnlyList<string>? Options = null)
{
    public static readonly ExprType Null = new(TypeKind.Null);
    public static readonly ExprType Bool = new(TypeKind.Bool);
    public static readonly ExprType Number = new(TypeKind.Number);
    public static readonly ExprType Text = new(TypeKind.Text);
    public static readonly ExprType Date = new(TypeKind.Date);
    public static readonly ExprType Set = new(TypeKind.Set);

    public override string ToString() => Kind switch
    {
        TypeKind.Null => "null",
        TypeKind.Bool => "yes/no",
        TypeKind.Number => "number",
        TypeKind.Text => Options is null ? "text" : "choice",
        TypeKind.Date => "date",
        _ => "list",
    };

    public bool Equals(ExprType? other) => other is not null && other.Kind == Kind;
    public override int GetHashCode() => (int)Kind;
}

namespace ChatSupport.Expressions;

/// <summary>Equality and ordering of runtime values: null, bool, decimal, string, DateOnly, list of strings.</summary>
internal static class Values
{
    public static bool AreEqual(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (IReadOnlyList<string> x, IReadOnlyList<string> y) => x.Order().SequenceEqual(y.Order()),
        _ => a.Equals(b),
    };

    public static int? Compare(object? a, object? b) => (a, b) switch
    {
        (decimal x, decimal y) => x.CompareTo(y),
        (DateOnly x, DateOnly y) => x.CompareTo(y),
        _ => null,
    };
}

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

    /// <summary>Arithmetic on what residents typed can overflow (99999999999999 × 1000): the result is then unknown (null), never an error.</summary>
    public static object? Checked(Func<decimal> operation)
    {
        try { return operation(); }
        catch (OverflowException) { return null; }
    }

    /// <summary>A date moved by a number of days, or null when that is outside the calendar.</summary>
    public static object? AddDays(DateOnly date, decimal days)
    {
        if (days != decimal.Truncate(days) || Math.Abs(days) > 3_000_000) return null;
        var target = (long)date.DayNumber + (long)days;
        return target < DateOnly.MinValue.DayNumber || target > DateOnly.MaxValue.DayNumber ? null : DateOnly.FromDayNumber((int)target);
    }

    public static int? Compare(object? a, object? b) => (a, b) switch
    {
        (decimal x, decimal y) => x.CompareTo(y),
        (DateOnly x, DateOnly y) => x.CompareTo(y),
        _ => null,
    };
}

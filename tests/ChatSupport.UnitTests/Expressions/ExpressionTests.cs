using ChatSupport.Expressions;
using ChatSupport.Residents;

namespace ChatSupport.UnitTests.Expressions;

public sealed class ExpressionTests
{
    private static readonly DateOnly Today = new(2026, 11, 20);

    private static SymbolTable Symbols() => new SymbolTable()
        .Add(new Symbol("age", ExprType.Number) { IsAnswer = true })
        .Add(new Symbol("fever", new ExprType(TypeKind.Text, ["none", "today", "day1"])) { IsAnswer = true, OptionNumbers = new Dictionary<string, decimal> { ["today"] = 0, ["day1"] = 1 } })
        .Add(new Symbol("conditions", new ExprType(TypeKind.Set, ["none", "pregnant", "heart"])) { IsAnswer = true })
        .Add(new Symbol("coughing", ExprType.Bool) { IsAnswer = true })
        .Add(new Symbol("onset", ExprType.Date))
        .Add(new Symbol("name", ExprType.Text) { IsAnswer = true });

    private sealed class Scope(Dictionary<string, object?> values, IReadOnlyList<HistoryRecord>? history = null) : IEvaluationScope
    {
        public DateOnly Today => ExpressionTests.Today;
        public object? GetValue(string name) => values.GetValueOrDefault(name);
        public IReadOnlyList<HistoryRecord> History => history ?? [];
    }

    private static object? Eval(string source, Dictionary<string, object?>? values = null, IReadOnlyList<HistoryRecord>? history = null) =>
        CompiledExpression.Compile(source, Symbols()).Evaluate(new Scope(values ?? [], history));

    [Theory]
    [InlineData("1 + 2 * 3", 7)]
    [InlineData("(1 + 2) * 3", 9)]
    [InlineData("10 / 4", 2.5)]
    [InlineData("-3 + 5", 2)]
    [InlineData("max(1, 5, 3)", 5)]
    [InlineData("min(4, 2)", 2)]
    [InlineData("age - 65", 5)]
    [InlineData("number(fever) + 1", 2)]
    [InlineData("count(conditions)", 2)]
    [InlineData("days_between(onset, today)", 3)]
    public void Arithmetic_Evaluates(string source, double expected) =>
        Assert.Equal((decimal)expected, Eval(source, new() { ["age"] = 70m, ["fever"] = "day1", ["conditions"] = new[] { "pregnant", "heart" }, ["onset"] = new DateOnly(2026, 11, 17) }));

    [Theory]
    [InlineData("age >= 65 and fever != 'none'", true)]
    [InlineData("age >= 65 && fever == 'none'", false)]
    [InlineData("age < 65 or coughing", true)]
    [InlineData("not coughing", false)]
    [InlineData("'pregnant' in conditions", true)]
    [InlineData("'heart' in conditions and not ('none' in conditions)", true)]
    [InlineData("fever in ['today', 'day1']", true)]
    [InlineData("has_any(conditions, 'heart', 'none')", true)]
    [InlineData("today - 3 == onset", true)]
    [InlineData("onset < today", true)]
    [InlineData("if(age >= 65, 'high', 'low') == 'high'", true)]
    [InlineData("answered(name)", false)]
    [InlineData("name == null", true)]
    [InlineData("coalesce(name, 'none given') == 'none given'", true)]
    public void Logic_Evaluates(string source, bool expected) =>
        Assert.Equal(expected, Eval(source, new() { ["age"] = 70m, ["fever"] = "day1", ["conditions"] = new[] { "pregnant", "heart" }, ["coughing"] = true, ["onset"] = new DateOnly(2026, 11, 17) }));

    [Theory]
    [InlineData("age >= 65")]
    [InlineData("age + 1 > 3")]
    [InlineData("onset < today")]
    [InlineData("'pregnant' in conditions")]
    public void UnansweredValues_MakeConditionsFalse_NotErrors(string source) => Assert.Equal(false, Eval(source));

    [Theory]
    [InlineData("age >=", 6, "ends too early")]
    [InlineData("age >= 65 65", 10, "operator such as 'and'")]
    [InlineData("fevr == 'none'", 0, "Did you mean 'fever'?")]
    [InlineData("fever == 'tomorrow'", 9, "'tomorrow' is not an option")]
    [InlineData("'sick' in conditions", 0, "'sick' is not an option")]
    [InlineData("has_any(conditions, 'cancer')", 20, "'cancer' is not an option")]
    [InlineData("age == 'old'", 4, "compares a number with a text")]
    [InlineData("age and coughing", 0, "needs a yes/no")]
    [InlineData("fever > 3", 0, "compares numbers or dates")]
    [InlineData("frobnicate(age)", 0, "Unknown function 'frobnicate'")]
    [InlineData("days_between(age, today)", 13, "needs a date")]
    [InlineData("if(coughing, 1, 'x')", 16, "mixes a number and a text")]
    [InlineData("name == \"unclosed", 8, "not closed")]
    [InlineData("age # 3", 4, "Unexpected character '#'")]
    [InlineData("number(age)", 7, "has none")]
    [InlineData("consecutive_days(previous(coughing))", 17, "inside another history function")]
    [InlineData("", 0, "empty")]
    public void Errors_PointAtThePosition(string source, int position, string message)
    {
        var e = Assert.Throws<ExpressionException>(() => CompiledExpression.Compile(source, Symbols()));
        Assert.Contains(message, e.Message);
        Assert.Equal(position, e.Position);
    }

    [Theory]
    [InlineData("age * 1000")]
    [InlineData("age + age")]
    [InlineData("today - age")]
    [InlineData("today + age")]
    public void HugeNumbersTypedByResidents_GiveNull_NotAnError(string source) =>
        Assert.Null(Eval(source, new() { ["age"] = 79228162514264337593543950335m }));

    [Fact]
    public void DateArithmetic_OutsideTheCalendar_GivesNull() =>
        Assert.Null(Eval("today - age", new() { ["age"] = 3000000m }));

    [Fact]
    public void ExpectedType_IsChecked()
    {
        var e = Assert.Throws<ExpressionException>(() => CompiledExpression.Compile("age + 1", Symbols(), ExprType.Bool));
        Assert.Contains("gives a number, but a yes/no is needed", e.Message);
    }

    [Fact]
    public void Forbidden_NameCanOnlyBeReadThroughPrevious()
    {
        var symbols = Symbols();
        symbols.Forbidden = "onset";
        Assert.Throws<ExpressionException>(() => CompiledExpression.Compile("coalesce(onset, today)", symbols));
        Assert.Equal(ExprType.Date, CompiledExpression.Compile("coalesce(previous(onset), today)", symbols).Type);
    }

    private static HistoryRecord Day(int daysAgo, params (string, object?)[] values) =>
        new("q", Today.AddDays(-daysAgo), new DateTimeOffset(Today.AddDays(-daysAgo).ToDateTime(new TimeOnly(10, 0)), TimeSpan.FromHours(9)),
            values.ToDictionary(v => v.Item1, v => v.Item2));

    [Fact]
    public void Previous_ReturnsTheLatestEarlierValue_EvenWhenItWasNull()
    {
        var history = new[] { Day(1, ("onset", null)), Day(3, ("onset", new DateOnly(2026, 11, 15))) };
        Assert.Null(Eval("previous(onset)", history: history));
        Assert.Equal(new DateOnly(2026, 11, 15), Eval("previous(onset)", history: history.Skip(1).ToList()));
        Assert.Null(Eval("previous(onset)"));
    }

    [Fact]
    public void ConsecutiveDays_CountsTodayAndEachEarlierDayInARow()
    {
        var history = new[]
        {
            Day(0, ("coughing", false)), // earlier today: today counts once, from the current answer
            Day(1, ("coughing", true)),
            Day(2, ("coughing", false)), Day(2, ("coughing", true)), // any report that day counts
            Day(3, ("coughing", false)),
            Day(4, ("coughing", true)),
        };
        Assert.Equal(3m, Eval("consecutive_days(coughing)", new() { ["coughing"] = true }, history));
        Assert.Equal(new DateOnly(2026, 11, 18), Eval("first_reported(coughing)", new() { ["coughing"] = true }, history));
        Assert.Equal(0m, Eval("consecutive_days(coughing)", new() { ["coughing"] = false }, history));
        Assert.Null(Eval("first_reported(coughing)", new() { ["coughing"] = false }, history));
    }

    [Fact]
    public void ConsecutiveDays_StopsAtADayWithNoReport()
    {
        var history = new[] { Day(1, ("coughing", true)), Day(3, ("coughing", true)) };
        Assert.Equal(2m, Eval("consecutive_days(coughing)", new() { ["coughing"] = true }, history));
    }
}

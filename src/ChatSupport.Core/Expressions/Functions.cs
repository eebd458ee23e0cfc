namespace ChatSupport.Expressions;

/// <summary>The functions of the expression language (documented in dialogs/README.md).</summary>
internal sealed partial class Binder
{
    private static readonly string[] Known =
        ["answered", "count", "number", "days_between", "if", "coalesce", "min", "max", "has_any", "previous", "consecutive_days", "first_reported"];

    private Bound Call(CallSyntax c)
    {
        switch (c.Function)
        {
            case "answered":
            {
                var name = NameArgument(c, "answered");
                return new Bound(ExprType.Bool, s => s.GetValue(name) is not null);
            }
            case "count":
            {
                Arity(c, 1);
                var set = Bind(c.Arguments[0]);
                Require(set, TypeKind.Set, c.Arguments[0].Position, "count()");
                return new Bound(ExprType.Number, s => set.Eval(s) is IReadOnlyList<string> l ? (decimal)l.Count : 0m);
            }
            case "number":
            {
                var name = NameArgument(c, "number");
                var numbers = symbols.Find(name)!.OptionNumbers
                    ?? throw new ExpressionException($"number() reads the 'number' given to the options of a choice question; '{name}' has none.", c.Arguments[0].Position);
                return new Bound(ExprType.Number, s => s.GetValue(name) is string o && numbers.TryGetValue(o, out var n) ? n : null);
            }
            case "days_between":
            {
                Arity(c, 2);
                var (from, to) = (Bind(c.Arguments[0]), Bind(c.Arguments[1]));
                Require(from, TypeKind.Date, c.Arguments[0].Position, "days_between()");
                Require(to, TypeKind.Date, c.Arguments[1].Position, "days_between()");
                return new Bound(ExprType.Number, s => from.Eval(s) is DateOnly a && to.Eval(s) is DateOnly b ? (decimal)(b.DayNumber - a.DayNumber) : null);
            }
            case "if":
            {
                Arity(c, 3);
                var (cond, then, otherwise) = (Bind(c.Arguments[0]), Bind(c.Arguments[1]), Bind(c.Arguments[2]));
                Require(cond, TypeKind.Bool, c.Arguments[0].Position, "if()");
                var type = Unify(then, otherwise, c.Arguments[2].Position, "if()");
                return new Bound(type, s => cond.Eval(s) is true ? then.Eval(s) : otherwise.Eval(s));
            }
            case "coalesce":
            {
                var args = Many(c, 2);
                var type = args.Skip(1).Select((a, i) => (a, i)).Aggregate(args[0].Type, (t, x) => Unify(new Bound(t, _ => null), x.a, c.Arguments[x.i + 1].Position, "coalesce()"));
                return new Bound(type, s => args.Select(a => a.Eval(s)).FirstOrDefault(v => v is not null));
            }
            case "min" or "max":
            {
                var args = Many(c, 2);
                foreach (var (a, i) in args.Select((a, i) => (a, i))) Require(a, TypeKind.Number, c.Arguments[i].Position, $"{c.Function}()");
                var isMin = c.Function == "min";
                return new Bound(ExprType.Number, s =>
                {
                    var values = args.Select(a => a.Eval(s)).OfType<decimal>().ToList();
                    return values.Count == 0 ? null : isMin ? values.Min() : values.Max();
                });
            }
            case "has_any":
            {
                var args = Many(c, 2);
                Require(args[0], TypeKind.Set, c.Arguments[0].Position, "has_any()");
                var wanted = new List<string>();
                foreach (var (a, i) in args.Skip(1).Select((a, i) => (a, i + 1)))
                {
                    if (!a.IsConstant || a.Constant is not string v)
                        throw new ExpressionException("has_any() takes option ids in quotes after the list.", c.Arguments[i].Position);
                    if (args[0].Type.Options is { } options && !options.Contains(v))
                        throw new ExpressionException($"'{v}' is not an option of this question; its options are: {string.Join(", ", options)}.", c.Arguments[i].Position);
                    wanted.Add(v);
                }
                var set = args[0];
                return new Bound(ExprType.Bool, s => set.Eval(s) is IReadOnlyList<string> l && l.Any(wanted.Contains));
            }
            case "previous":
                return Previous(c);
            case "consecutive_days" or "first_reported":
                return Streak(c);
            default:
                throw new ExpressionException($"Unknown function '{c.Function}'. Functions are: {string.Join(", ", Known)}.", c.Position);
        }
    }

    /// <summary>previous(x): the value of x in the resident's latest earlier response that had x.</summary>
    private Bound Previous(CallSyntax c)
    {
        NoNesting(c);
        var name = NameArgument(c, "previous");
        return new Bound(symbols.Find(name)!.Type, s =>
        {
            foreach (var r in s.History)
                if (r.Values.TryGetValue(name, out var v)) return v;
            return null;
        });
    }

    /// <summary>
    /// consecutive_days(cond): how many days in a row, ending today, cond held (0 when it does not hold now);
    /// first_reported(cond): the first day of that run. Earlier days are read from the resident's history.
    /// </summary>
    private Bound Streak(CallSyntax c)
    {
        NoNesting(c);
        Arity(c, 1);
        _inHistory = true;
        var cond = Bind(c.Arguments[0]);
        _inHistory = false;
        Require(cond, TypeKind.Bool, c.Arguments[0].Position, $"{c.Function}()");
        var wantDate = c.Function == "first_reported";
        return new Bound(wantDate ? ExprType.Date : ExprType.Number, s =>
        {
            if (cond.Eval(s) is not true) return wantDate ? null : 0m;
            var first = s.Today;
            while (s.History.Any(r => r.Date == first.AddDays(-1) && cond.Eval(new RecordScope(r)) is true))
                first = first.AddDays(-1);
            return wantDate ? first : (decimal)(s.Today.DayNumber - first.DayNumber + 1);
        });
    }

    private void NoNesting(CallSyntax c)
    {
        if (_inHistory) throw new ExpressionException($"{c.Function}() cannot be used inside another history function.", c.Position);
    }

    private string NameArgument(CallSyntax c, string function)
    {
        Arity(c, 1);
        if (c.Arguments[0] is not NameSyntax n)
            throw new ExpressionException($"{function}() takes the id of a question or computed value.", c.Arguments[0].Position);
        if (symbols.Find(n.Name) is null) throw UnknownName(n.Name, n.Position);
        return n.Name;
    }

    private static void Arity(CallSyntax c, int count)
    {
        if (c.Arguments.Count != count)
            throw new ExpressionException($"{c.Function}() takes {count} argument{(count == 1 ? "" : "s")}, not {c.Arguments.Count}.", c.Position);
    }

    private List<Bound> Many(CallSyntax c, int atLeast)
    {
        if (c.Arguments.Count < atLeast)
            throw new ExpressionException($"{c.Function}() takes at least {atLeast} arguments.", c.Position);
        return [.. c.Arguments.Select(Bind)];
    }

    private static ExprType Unify(Bound a, Bound b, int position, string what)
    {
        if (a.Type.Kind == TypeKind.Null) return b.Type;
        if (b.Type.Kind == TypeKind.Null || a.Type.Equals(b.Type)) return a.Type;
        throw new ExpressionException($"{what} mixes a {a.Type} and a {b.Type}; give values of one type.", position);
    }
}

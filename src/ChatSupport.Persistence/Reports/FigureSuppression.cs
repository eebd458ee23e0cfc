using ChatSupport.Reports;

namespace ChatSupport.Persistence.Reports;

/// <summary>A count of the daily figures: questionnaire, version, dimension, group, measure, item.</summary>
public sealed record FigureKey(string Questionnaire, string Version, string Dimension, string Group, string Measure, string Item);

/// <summary>
/// Groups of a finer dimension that add up exactly to a group of a coarser one: municipalities to their health-centre
/// area, age bands to "65+" where no band straddles 65, "unknown" to "unknown". Read from the residents' cells of the day.
/// </summary>
public sealed record Nesting(string Fine, string Coarse, IReadOnlyDictionary<string, string> Parent);

/// <summary>
/// Which of a day's counts to hide. Every published relation between counts is a table for
/// <see cref="SmallCellSuppression"/>, and a count hidden by one table is hidden in all of them; the tables are
/// suppressed again until none hides anything new:
/// <list type="bullet">
/// <item>per measure and dimension, groups × items with the overall figures as column totals (row totals, e.g. a
/// question's answers in an area, are treated as known);</item>
/// <item>per measure, the groups of a finer dimension that make up a group of a coarser one (municipalities and their
/// health-centre area; "unknown" in two dimensions is one and the same count);</item>
/// <item>per dimension, a count that is part of another (residents with symptoms of those who completed, consents of
/// those who started, follow-up answers of those invited, a numeric answer's count of those who completed) with the
/// rest as a second column, so that "completed − symptomatic" cannot reveal three residents without symptoms;</item>
/// <item>counts equal by construction (the minutes-to-answer count is the follow-up answers) are hidden together.</item>
/// </list>
/// </summary>
public static class FigureSuppression
{
    public static readonly (string Whole, string Part)[] Parts = [("completed", "symptomatic"), ("started", "consented"), ("follow_ups_sent", "follow_ups_answered")];

    /// <summary>Counts with their keys (null: not a published count); <paramref name="Unpublished"/> marks values that are never shown (a rest).</summary>
    private sealed record Table(long[,] Cells, FigureKey?[,] Keys, bool[,]? Unpublished = null);

    public static HashSet<FigureKey> Hide(IReadOnlyDictionary<FigureKey, long> counts, int k, IReadOnlyList<Nesting>? nestings = null)
    {
        // Which complementary cells a table hides depends on what earlier tables hid, so the tables come in one order
        // whatever order the counts were read in (a rerun reads them back from other places in the table).
        var keys = counts.Keys.OrderBy(f => f.Questionnaire, StringComparer.Ordinal).ThenBy(f => f.Version, StringComparer.Ordinal)
            .ThenBy(f => f.Dimension, StringComparer.Ordinal).ThenBy(f => f.Group, StringComparer.Ordinal)
            .ThenBy(f => f.Measure, StringComparer.Ordinal).ThenBy(f => f.Item, StringComparer.Ordinal).ToList();
        var tables = Tables(counts, keys, nestings ?? []);
        var equal = Equal(keys);
        var hidden = new HashSet<FigureKey>();
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var table in tables)
            {
                var (rows, columns) = (table.Keys.GetLength(0), table.Keys.GetLength(1));
                var forced = new bool[rows, columns];
                for (var r = 0; r < rows; r++)
                    for (var c = 0; c < columns; c++)
                        forced[r, c] = table.Keys[r, c] is { } key && hidden.Contains(key);
                var mask = SmallCellSuppression.Suppress(table.Cells, k, forced, table.Unpublished);
                for (var r = 0; r < rows; r++)
                    for (var c = 0; c < columns; c++)
                        if (mask[r, c] && table.Keys[r, c] is { } key && counts.ContainsKey(key) && hidden.Add(key)) changed = true;
            }
            foreach (var (a, b) in equal)
                if (hidden.Contains(a) != hidden.Contains(b)) changed |= hidden.Add(a) | hidden.Add(b);
        }
        return hidden;
    }

    /// <summary>The parts of a questionnaire's figures: the fixed pairs, and each numeric answer's count within those who completed.</summary>
    public static IEnumerable<(string Whole, string Part, string PartItem)> PartsOf(IEnumerable<string> measures) =>
        Parts.Select(p => (p.Whole, p.Part, ""))
            .Concat(measures.Where(m => m.StartsWith("number:", StringComparison.Ordinal)).Distinct().Select(m => ("completed", m, "count")));

    private static List<(FigureKey, FigureKey)> Equal(IReadOnlyList<FigureKey> keys) =>
        [.. keys.Where(f => f.Measure == "answer_minutes" && f.Item == "count")
            .Select(f => (f, f with { Measure = "follow_ups_answered", Item = "" }))];

    private static List<Table> Tables(IReadOnlyDictionary<FigureKey, long> counts, IReadOnlyList<FigureKey> ordered, IReadOnlyList<Nesting> nestings)
    {
        var tables = new List<Table>();
        long Count(FigureKey key) => counts.GetValueOrDefault(key);
        // A table of rows × items whose column totals are the figures of `totals` (one key per item).
        void Add(IReadOnlyList<string> rows, IReadOnlyList<string> items, Func<string, string, FigureKey> cell, Func<string, FigureKey> total)
        {
            var cells = new long[rows.Count, items.Count];
            var keys = new FigureKey?[rows.Count + 1, items.Count + 1];
            for (var i = 0; i < items.Count; i++)
            {
                for (var r = 0; r < rows.Count; r++) cells[r, i] = Count(keys[r, i] = cell(rows[r], items[i]));
                keys[rows.Count, i] = total(items[i]);
            }
            tables.Add(new Table(cells, keys));
        }

        foreach (var measure in ordered.GroupBy(f => (f.Questionnaire, f.Version, f.Measure)))
        {
            var (q, v, m) = measure.Key;
            var items = measure.Select(f => f.Item).Distinct().Order(StringComparer.Ordinal).ToList();
            var groups = measure.GroupBy(f => f.Dimension).ToDictionary(d => d.Key, d => d.Select(f => f.Group).Distinct().Order(StringComparer.Ordinal).ToList());
            foreach (var (dimension, members) in groups.Where(d => d.Key != "all"))
                Add(members, items, (g, i) => new FigureKey(q, v, dimension, g, m, i), i => new FigureKey(q, v, "all", "", m, i));
            foreach (var nesting in nestings)
                foreach (var parent in groups.GetValueOrDefault(nesting.Coarse) ?? [])
                {
                    var children = (groups.GetValueOrDefault(nesting.Fine) ?? []).Where(g => nesting.Parent.GetValueOrDefault(g) == parent).ToList();
                    if (children.Count > 0)
                        Add(children, items, (g, i) => new FigureKey(q, v, nesting.Fine, g, m, i), i => new FigureKey(q, v, nesting.Coarse, parent, m, i));
                }
        }

        foreach (var (whole, part, partItem) in PartsOf(ordered.Select(f => f.Measure)))
            foreach (var byVersion in ordered.Where(f => f.Measure == whole && f.Item == "").GroupBy(f => (f.Questionnaire, f.Version)))
            {
                var (q, v) = byVersion.Key;
                if (!counts.ContainsKey(new FigureKey(q, v, "all", "", part, partItem)) && !ordered.Any(f => f.Questionnaire == q && f.Version == v && f.Measure == part)) continue;
                foreach (var dimension in byVersion.Where(f => f.Dimension != "all").GroupBy(f => f.Dimension))
                {
                    var groups = dimension.Select(f => f.Group).Distinct().Order(StringComparer.Ordinal).ToList();
                    var cells = new long[groups.Count, 2];
                    var keys = new FigureKey?[groups.Count + 1, 3];
                    for (var g = 0; g < groups.Count; g++)
                    {
                        keys[g, 0] = new FigureKey(q, v, dimension.Key, groups[g], part, partItem);
                        keys[g, 2] = new FigureKey(q, v, dimension.Key, groups[g], whole, "");
                        cells[g, 0] = Count(keys[g, 0]!);
                        cells[g, 1] = Math.Max(0, Count(keys[g, 2]!) - cells[g, 0]); // the rest: never published, but known by difference
                    }
                    keys[groups.Count, 0] = new FigureKey(q, v, "all", "", part, partItem);
                    keys[groups.Count, 2] = new FigureKey(q, v, "all", "", whole, "");
                    var rest = new bool[groups.Count + 1, 3];
                    for (var g = 0; g <= groups.Count; g++) rest[g, 1] = true;
                    tables.Add(new Table(cells, keys, rest));
                }
            }
        return tables;
    }

    /// <summary>The exact nestings among the day's cells (fine group → coarse group, each fine group in one coarse group only).</summary>
    public static IReadOnlyList<Nesting> NestingsOf(IReadOnlyList<(string Area, string HealthArea, string AgeBand, string Elderly)> cells)
    {
        Nesting? Of(string fine, string coarse, Func<(string, string, string, string), string> f, Func<(string, string, string, string), string> c)
        {
            var parents = cells.GroupBy(f).ToDictionary(g => g.Key, g => g.Select(c).Distinct().ToList());
            // A coarse group is the exact sum of its children only if none of them also belongs to another coarse group.
            var straddling = parents.Where(p => p.Value.Count > 1).SelectMany(p => p.Value).ToHashSet();
            var exact = parents.Where(p => p.Value.Count == 1 && !straddling.Contains(p.Value[0])).ToDictionary(p => p.Key, p => p.Value[0]);
            return exact.Count == 0 ? null : new Nesting(fine, coarse, exact);
        }
        return new[]
        {
            Of("area", "health_area", x => x.Item1, x => x.Item2),
            Of("age_band", "elderly", x => x.Item3, x => x.Item4),
        }.OfType<Nesting>().ToList();
    }
}

using ChatSupport.Reports;

namespace ChatSupport.UnitTests.Reports;

/// <summary>Small-cell suppression: small counts hidden, and no hidden count recoverable from what is published.</summary>
public sealed class SmallCellSuppressionTests
{
    [Fact]
    public void CountsBelowK_AreHidden_ZerosAndLargerCountsAreShown()
    {
        var hidden = SmallCellSuppression.Suppress(new long[,] { { 0, 25, 40 }, { 30, 12, 50 } }, 10);
        Assert.False(hidden[0, 0]);
        Assert.All(new[] { hidden[0, 1], hidden[0, 2], hidden[1, 0], hidden[1, 1], hidden[1, 2], hidden[2, 3] }, Assert.False);
    }

    [Fact]
    public void OneSmallCell_GetsComplements_SoThatTheTotalsDoNotGiveItAway()
    {
        var cells = new long[,] { { 3, 25, 40 }, { 30, 12, 50 }, { 44, 61, 17 } };
        var hidden = SmallCellSuppression.Suppress(cells, 10);
        Assert.True(hidden[0, 0]);
        Assert.True(Count(hidden) >= 4); // a rectangle at least: one hidden cell alone is its row total minus the rest
        Assert.Null(SmallCellSuppression.Recoverable(SmallCellSuppression.WithTotals(cells), hidden));
        Assert.Empty(EliminationAttack(SmallCellSuppression.WithTotals(cells), hidden));
    }

    [Fact]
    public void TwoHiddenCellsPerLine_AreNotEnough_WhenACellBridgesTwoGroups()
    {
        // Two rectangles of hidden cells joined by one more hidden cell: every line holds two hidden values, yet the
        // joining cell follows from the totals (the sums around each rectangle cancel). The check sees it.
        var table = SmallCellSuppression.WithTotals(new long[,] { { 2, 3, 20, 20 }, { 4, 5, 6, 20 }, { 20, 20, 7, 8 }, { 20, 20, 9, 2 } });
        var hidden = new bool[5, 5];
        foreach (var (r, c) in new[] { (0, 0), (0, 1), (1, 0), (1, 1), (1, 2), (2, 2), (2, 3), (3, 2), (3, 3) }) hidden[r, c] = true;
        Assert.NotNull(SmallCellSuppression.Recoverable(table, hidden));
    }

    [Fact]
    public void RandomTables_NoHiddenCountCanBeRecovered_ByEliminationOrByAlgebra()
    {
        var random = new Random(20261123);
        for (var n = 0; n < 200; n++)
        {
            var (rows, columns) = (random.Next(2, 7), random.Next(2, 9));
            var cells = new long[rows, columns];
            for (var r = 0; r < rows; r++)
                for (var c = 0; c < columns; c++)
                    cells[r, c] = random.Next(4) == 0 ? random.Next(0, 10) : random.Next(0, 200);
            var table = SmallCellSuppression.WithTotals(cells);
            var hidden = SmallCellSuppression.Suppress(cells, 10);
            for (var r = 0; r <= rows; r++)
                for (var c = 0; c <= columns; c++)
                    if (table[r, c] is > 0 and < 10) Assert.True(hidden[r, c], $"table {n}: {table[r, c]} at ({r},{c}) shown");
            Assert.Empty(EliminationAttack(table, hidden));
            Assert.Null(SmallCellSuppression.Recoverable(table, hidden));
        }
    }

    [Fact]
    public void SmallTables_EveryHiddenCountHasAnotherTableWithTheSamePublishedFigures()
    {
        // Exhaustive, independent of the algebra: every table of the same shape that publishes the same shown values
        // and totals is found by enumeration, and each hidden position must take at least two values among them.
        var random = new Random(7);
        var checkedTables = 0;
        for (var n = 0; checkedTables < 60; n++)
        {
            var cells = new long[2, 3];
            for (var r = 0; r < 2; r++)
                for (var c = 0; c < 3; c++)
                    cells[r, c] = random.Next(0, 7);
            var table = SmallCellSuppression.WithTotals(cells);
            var hidden = SmallCellSuppression.Suppress(cells, 3);
            var free = Enumerable.Range(0, 6).Where(i => hidden[i / 3, i % 3]).ToList();
            if (free.Count is 0 or > 4) continue; // the enumeration stays small
            checkedTables++;
            var seen = new Dictionary<(int, int), HashSet<long>>();
            var bound = table[2, 3];
            var candidate = (long[,])cells.Clone();
            void Enumerate(int i)
            {
                if (i == free.Count)
                {
                    var other = SmallCellSuppression.WithTotals(candidate);
                    for (var r = 0; r < 3; r++)
                        for (var c = 0; c < 4; c++)
                            if (!hidden[r, c] && other[r, c] != table[r, c]) return;
                    for (var r = 0; r < 3; r++)
                        for (var c = 0; c < 4; c++)
                            if (hidden[r, c]) (seen.TryGetValue((r, c), out var s) ? s : seen[(r, c)] = []).Add(other[r, c]);
                    return;
                }
                for (long v = 0; v <= bound; v++) { candidate[free[i] / 3, free[i] % 3] = v; Enumerate(i + 1); }
                candidate[free[i] / 3, free[i] % 3] = cells[free[i] / 3, free[i] % 3];
            }
            Enumerate(0);
            foreach (var (position, values) in seen)
                if (values.Count < 2) Assert.Fail($"table {n}: the hidden value at {position} can only be {string.Join(",", values)}");
        }
    }

    /// <summary>The classic attack: a line with one hidden value gives it away; repeat with what was learnt.</summary>
    private static List<(int, int)> EliminationAttack(long[,] table, bool[,] hidden)
    {
        var (rows, columns) = (table.GetLength(0) - 1, table.GetLength(1) - 1);
        var unknown = (bool[,])hidden.Clone();
        var recovered = new List<(int, int)>();
        for (var progress = true; progress;)
        {
            progress = false;
            var lines = Enumerable.Range(0, rows + 1).Select(r => Enumerable.Range(0, columns + 1).Select(c => (r, c)).ToList())
                .Concat(Enumerable.Range(0, columns + 1).Select(c => Enumerable.Range(0, rows + 1).Select(r => (r, c)).ToList()));
            foreach (var line in lines)
            {
                var missing = line.Where(p => unknown[p.r, p.c]).ToList();
                if (missing.Count != 1) continue;
                unknown[missing[0].r, missing[0].c] = false;
                recovered.Add(missing[0]);
                progress = true;
            }
        }
        return recovered;
    }

    private static int Count(bool[,] mask) => mask.Cast<bool>().Count(b => b);
}

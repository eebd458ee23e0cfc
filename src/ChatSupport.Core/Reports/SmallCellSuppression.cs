namespace ChatSupport.Reports;

/// <summary>
/// Small-cell suppression for a published table of counts with its row, column and grand totals. Primary: every count
/// from 1 to k − 1 (a zero reveals nobody and is shown). Complementary: while any hidden value could be worked out
/// exactly from what is published (the totals are linear equations in the hidden values; a value is recoverable when
/// its unit vector lies in their row space), one more count is hidden beside it, the smallest in its row or column.
/// </summary>
public static class SmallCellSuppression
{
    /// <summary>
    /// Which values to hide in a table of <paramref name="cells"/> (rows × columns) published with its totals. The result
    /// is (rows + 1) × (columns + 1): the last column holds the row totals, the last row the column totals and, at the
    /// corner, the grand total.
    /// </summary>
    /// <remarks>
    /// <paramref name="alreadyHidden"/> (same shape as the result) marks values hidden for another reason, e.g. a total
    /// shared with another table that had to hide it: they stay hidden, and are protected like the rest.
    /// </remarks>
    /// <remarks>
    /// <paramref name="unpublished"/> marks values that are never shown but follow from others (the residents of an area
    /// without symptoms, from those who completed and those with symptoms): unknown to a reader unless worked out, and
    /// protected only when they are small.
    /// </remarks>
    public static bool[,] Suppress(long[,] cells, int k, bool[,]? alreadyHidden = null, bool[,]? unpublished = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var table = WithTotals(cells);
        var (rows, columns) = (table.GetLength(0), table.GetLength(1));
        var hidden = new bool[rows, columns];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < columns; c++)
                hidden[r, c] = (table[r, c] > 0 && table[r, c] < k) || alreadyHidden?[r, c] == true || unpublished?[r, c] == true;
        // What must not be worked out: every hidden count that is published, and every small one.
        var protect = new bool[rows, columns];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < columns; c++)
                protect[r, c] = hidden[r, c] && (unpublished?[r, c] != true || (table[r, c] > 0 && table[r, c] < k));
        while (Recoverable(table, hidden, protect) is { } exposed)
        {
            var complement = Complement(table, hidden, exposed);
            if (complement is null) break; // nothing left to hide beside it: every line is already hidden
            hidden[complement.Value.Row, complement.Value.Column] = true;
            protect[complement.Value.Row, complement.Value.Column] = true;
        }
        return hidden;
    }

    /// <summary>The table with its totals (the last column and row), as published.</summary>
    public static long[,] WithTotals(long[,] cells)
    {
        var (rows, columns) = (cells.GetLength(0), cells.GetLength(1));
        var table = new long[rows + 1, columns + 1];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < columns; c++)
            {
                table[r, c] = cells[r, c];
                table[r, columns] += cells[r, c];
                table[rows, c] += cells[r, c];
                table[rows, columns] += cells[r, c];
            }
        return table;
    }

    /// <summary>A hidden value that the published values and the totals' equations determine, if any.</summary>
    /// <remarks>With <paramref name="protect"/>, only the values it marks are asked about (the others are merely unknown).</remarks>
    public static (int Row, int Column)? Recoverable(long[,] table, bool[,] hidden, bool[,]? protect = null)
    {
        var unknowns = new List<(int Row, int Column)>();
        for (var r = 0; r < table.GetLength(0); r++)
            for (var c = 0; c < table.GetLength(1); c++)
                if (hidden[r, c]) unknowns.Add((r, c));
        if (unknowns.Count == 0) return null;
        var equations = Equations(table.GetLength(0) - 1, table.GetLength(1) - 1, unknowns);
        // In reduced row echelon form, a unit vector lies in the row space exactly when it is one of the rows: one
        // elimination answers for every unknown.
        var determined = new bool[unknowns.Count];
        foreach (var row in ReducedRowEchelon(equations, unknowns.Count))
        {
            var (nonZero, at) = (0, -1);
            for (var j = 0; j < row.Length && nonZero < 2; j++)
                if (Math.Abs(row[j]) > 1e-9) (nonZero, at) = (nonZero + 1, j);
            if (nonZero == 1) determined[at] = true;
        }
        for (var i = 0; i < unknowns.Count; i++)
            if (determined[i] && protect?[unknowns[i].Row, unknowns[i].Column] != false) return unknowns[i];
        return null;
    }

    /// <summary>Each line's total equals the sum of its cells: the coefficients of the hidden values in each equation.</summary>
    private static List<double[]> Equations(int rows, int columns, List<(int Row, int Column)> unknowns)
    {
        var equations = new List<double[]>();
        void Add(Func<int, int, double> coefficient)
        {
            var equation = unknowns.Select(u => coefficient(u.Row, u.Column)).ToArray();
            if (equation.Any(v => v != 0)) equations.Add(equation);
        }
        for (var r = 0; r <= rows; r++) Add((ur, uc) => ur != r ? 0 : uc == columns ? -1 : 1);    // row r (the last: column totals sum to the grand total)
        for (var c = 0; c <= columns; c++) Add((ur, uc) => uc != c ? 0 : ur == rows ? -1 : 1);   // column c
        return equations;
    }

    private static List<double[]> ReducedRowEchelon(List<double[]> matrix, int width)
    {
        var m = matrix.Select(row => (double[])row.Clone()).ToList();
        var rank = 0;
        for (var column = 0; column < width && rank < m.Count; column++)
        {
            var pivot = Enumerable.Range(rank, m.Count - rank).OrderByDescending(i => Math.Abs(m[i][column])).First();
            if (Math.Abs(m[pivot][column]) < 1e-9) continue;
            (m[rank], m[pivot]) = (m[pivot], m[rank]);
            var scale = m[rank][column];
            for (var j = column; j < width; j++) m[rank][j] /= scale;
            for (var i = 0; i < m.Count; i++)
            {
                if (i == rank || Math.Abs(m[i][column]) < 1e-12) continue;
                var factor = m[i][column];
                for (var j = column; j < width; j++) m[i][j] -= factor * m[rank][j];
            }
            rank++;
        }
        return m.Take(rank).ToList();
    }

    /// <summary>The smallest positive value still shown in the exposed value's row or column (cells before totals).</summary>
    private static (int Row, int Column)? Complement(long[,] table, bool[,] hidden, (int Row, int Column) exposed)
    {
        var (rows, columns) = (table.GetLength(0), table.GetLength(1));
        var candidates = Enumerable.Range(0, columns).Select(c => (Row: exposed.Row, Column: c))
            .Concat(Enumerable.Range(0, rows).Select(r => (Row: r, Column: exposed.Column)))
            .Where(x => !hidden[x.Row, x.Column] && table[x.Row, x.Column] > 0)
            .OrderBy(x => x.Row == rows - 1 || x.Column == columns - 1) // a cell before a total
            .ThenBy(x => table[x.Row, x.Column]).ThenBy(x => x.Row).ThenBy(x => x.Column)
            .ToList();
        if (candidates.Count > 0) return candidates[0];
        // Its lines are all hidden or zero: widen to any shown positive cell (rare, tiny tables).
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < columns; c++)
                if (!hidden[r, c] && table[r, c] > 0) return (r, c);
        return null;
    }
}

using ChatSupport.Persistence.Reports;
using ChatSupport.Reports;

namespace ChatSupport.IntegrationTests.Reports;

/// <summary>The day's suppression across every published relation: dimensions sharing the overall figures, and counts that are part of others.</summary>
public sealed class FigureSuppressionTests
{
    private static FigureKey Key(string dimension, string group, string measure, string item = "") => new("q", "1", dimension, group, measure, item);

    [Fact]
    public void ThreeResidentsWithoutSymptoms_AreNotRevealedByCompletedMinusSymptomatic()
    {
        // Area A: 15 completed, 12 with symptoms, so 3 without; both counts are 10 or more.
        var counts = new Dictionary<FigureKey, long>
        {
            [Key("all", "", "completed")] = 100, [Key("all", "", "symptomatic")] = 40,
            [Key("area", "A", "completed")] = 15, [Key("area", "A", "symptomatic")] = 12,
            [Key("area", "B", "completed")] = 85, [Key("area", "B", "symptomatic")] = 28,
        };
        var hidden = FigureSuppression.Hide(counts, 10);
        Assert.True(hidden.Contains(Key("area", "A", "completed")) || hidden.Contains(Key("area", "A", "symptomatic")), string.Join(", ", hidden));

        // As an attacker: the table symptomatic | rest, with completed as row totals and the overall row as column totals.
        var table = new long[,] { { 12, 3, 15 }, { 28, 57, 85 }, { 40, 60, 100 } };
        var known = new bool[3, 3];
        known[0, 0] = !hidden.Contains(Key("area", "A", "symptomatic"));
        known[1, 0] = !hidden.Contains(Key("area", "B", "symptomatic"));
        known[2, 0] = !hidden.Contains(Key("all", "", "symptomatic"));
        known[0, 2] = !hidden.Contains(Key("area", "A", "completed"));
        known[1, 2] = !hidden.Contains(Key("area", "B", "completed"));
        known[2, 2] = !hidden.Contains(Key("all", "", "completed"));
        var unknown = new bool[3, 3];
        for (var r = 0; r < 3; r++)
            for (var c = 0; c < 3; c++)
                unknown[r, c] = !known[r, c];
        var recoverable = SmallCellSuppression.Recoverable(table, unknown);
        Assert.True(recoverable is null || table[recoverable.Value.Row, recoverable.Value.Column] is 0 or >= 10,
            $"the count at {recoverable} ({(recoverable is { } at ? table[at.Row, at.Column] : 0)}) follows from what is shown");
        // A count nobody needed to hide stays: the overall figures.
        Assert.DoesNotContain(Key("all", "", "completed"), hidden);
    }

    [Fact]
    public void ATotalHiddenForOneDimension_IsHiddenForEvery_AndNothingFollowsFromAnyOfThem()
    {
        // Option x: areas 3 | 30 | 30, age bands 21 | 21 | 21 (all 63). Area P's 3 is hidden, and a complement with it.
        var counts = new Dictionary<FigureKey, long>
        {
            [Key("all", "", "choice:a", "x")] = 63, [Key("all", "", "choice:a", "y")] = 60,
            [Key("area", "P", "choice:a", "x")] = 3, [Key("area", "Q", "choice:a", "x")] = 30, [Key("area", "R", "choice:a", "x")] = 30,
            [Key("area", "P", "choice:a", "y")] = 20, [Key("area", "Q", "choice:a", "y")] = 20, [Key("area", "R", "choice:a", "y")] = 20,
            [Key("age_band", "0-9", "choice:a", "x")] = 21, [Key("age_band", "10-19", "choice:a", "x")] = 21, [Key("age_band", "20-29", "choice:a", "x")] = 21,
            [Key("age_band", "0-9", "choice:a", "y")] = 20, [Key("age_band", "10-19", "choice:a", "y")] = 20, [Key("age_band", "20-29", "choice:a", "y")] = 20,
        };
        var hidden = FigureSuppression.Hide(counts, 10);
        Assert.Contains(Key("area", "P", "choice:a", "x"), hidden);
        foreach (var dimension in new[] { "area", "age_band" })
        {
            var groups = counts.Keys.Where(k => k.Dimension == dimension).Select(k => k.Group).Distinct().Order().ToList();
            var items = new[] { "x", "y" };
            var cells = new long[groups.Count, 2];
            var unknown = new bool[groups.Count + 1, 3];
            for (var g = 0; g < groups.Count; g++)
                for (var i = 0; i < 2; i++)
                {
                    cells[g, i] = counts[Key(dimension, groups[g], "choice:a", items[i])];
                    unknown[g, i] = hidden.Contains(Key(dimension, groups[g], "choice:a", items[i]));
                }
            for (var i = 0; i < 2; i++) unknown[groups.Count, i] = hidden.Contains(Key("all", "", "choice:a", items[i]));
            for (var g = 0; g <= groups.Count; g++) unknown[g, 2] = Enumerable.Range(0, 2).Any(i => unknown[g, i]);
            Assert.Null(SmallCellSuppression.Recoverable(SmallCellSuppression.WithTotals(cells), unknown));
        }
    }
}

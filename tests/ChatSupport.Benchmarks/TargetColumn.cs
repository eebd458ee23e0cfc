using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ChatSupport.Benchmarks;

/// <summary>Turns per second from the mean, and how it compares with the target, printed in the same table as the run.</summary>
public sealed class TargetColumn(bool ratio) : IColumn
{
    /// <summary>Issue 3: at least 20,000 turns/s on one core.</summary>
    public const double TargetTurnsPerSecond = 20_000;

    public string Id => ratio ? "VsTarget" : "TurnsPerSecond";
    public string ColumnName => ratio ? "vs 20,000 turns/s" : "Turns/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => ratio ? 1 : 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => ratio ? "Turns per second divided by the target (≥ 1.00 meets it)" : "1 / mean time of one turn";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        if (summary[benchmarkCase]?.ResultStatistics is not { } stats) return "-";
        var perSecond = 1e9 / stats.Mean;
        return ratio
            ? (perSecond / TargetTurnsPerSecond).ToString("0.00", CultureInfo.InvariantCulture) + (perSecond >= TargetTurnsPerSecond ? " (meets)" : " (BELOW)")
            : perSecond.ToString("N0", CultureInfo.InvariantCulture);
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
}

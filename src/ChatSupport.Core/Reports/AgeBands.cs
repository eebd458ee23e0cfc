namespace ChatSupport.Reports;

/// <summary>
/// Age bands of the officials' reports: by default 10-year bands (0–9, 10–19, … 90 and over), with ages from 65 marked
/// as elderly (the self-check's own threshold), so that a report can group by band and also count the elderly as one.
/// A tenant gives its own lower bounds.
/// </summary>
public sealed class AgeBands
{
    public static readonly AgeBands Default = new([0, 10, 20, 30, 40, 50, 60, 70, 80, 90], 65);

    private readonly int[] _from;

    public AgeBands(IReadOnlyList<int> lowerBounds, int elderlyFrom)
    {
        if (lowerBounds.Count == 0 || lowerBounds[0] != 0) throw new ArgumentException("Age bands start at 0.", nameof(lowerBounds));
        if (lowerBounds.Zip(lowerBounds.Skip(1)).Any(p => p.Second <= p.First)) throw new ArgumentException("Age band bounds must rise.", nameof(lowerBounds));
        ArgumentOutOfRangeException.ThrowIfNegative(elderlyFrom);
        _from = [.. lowerBounds];
        ElderlyFrom = elderlyFrom;
    }

    public int ElderlyFrom { get; }

    /// <summary>Each band's lowest age, rising from 0.</summary>
    public IReadOnlyList<int> LowerBounds => _from;

    /// <summary>The labels of the two groups the elderly mark splits residents into: "65+" and "0-64".</summary>
    public string ElderlyLabel => $"{ElderlyFrom}+";
    public string YoungerLabel => $"0-{ElderlyFrom - 1}";

    /// <summary>Every band's label in order: "0-9", …, "90+".</summary>
    public IReadOnlyList<string> Labels => [.. _from.Select((_, i) => Label(i))];

    /// <summary>The band of an age (null for an unknown or impossible age: it is reported as "unknown", never guessed).</summary>
    public string? Of(decimal? age)
    {
        if (age is not { } a || a < 0 || a > 150) return null;
        var i = Array.FindLastIndex(_from, from => from <= a);
        return Label(i);
    }

    public bool IsElderly(decimal? age) => age is { } a and >= 0 and <= 150 && a >= ElderlyFrom;

    private string Label(int i) => i == _from.Length - 1 ? $"{_from[i]}+" : $"{_from[i]}-{_from[i + 1] - 1}";
}

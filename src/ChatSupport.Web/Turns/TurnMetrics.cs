using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ChatSupport.Web.Turns;

/// <summary>
/// Metrics of turns (meter <c>ChatSupport</c>): how many, how long, how many ran again after a conflict.
/// Tags name the channel and the outcome only, never a resident or an answer.
/// </summary>
public sealed class TurnMetrics : IDisposable
{
    public const string MeterName = "ChatSupport";
    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _turns;
    private readonly Counter<long> _conflicts;
    private readonly Histogram<double> _duration;

    public TurnMetrics()
    {
        _turns = _meter.CreateCounter<long>("chatsupport.turns", description: "Turns run (committed or failed)");
        _conflicts = _meter.CreateCounter<long>("chatsupport.turn.conflicts", description: "Turns run again because another process wrote the conversation first");
        _duration = _meter.CreateHistogram<double>("chatsupport.turn.duration", unit: "ms", description: "Time from receiving an activity to committing its turn");
    }

    /// <summary>This host's meter (tests listen to it alone; other hosts in the process have their own).</summary>
    public Meter Meter => _meter;

    public void Conflict(string? channel) => _conflicts.Add(1, new KeyValuePair<string, object?>("channel", channel));

    public void Turn(string? channel, string outcome, TimeSpan elapsed)
    {
        var tags = new TagList { { "channel", channel }, { "outcome", outcome } };
        _turns.Add(1, tags);
        _duration.Record(elapsed.TotalMilliseconds, tags);
    }

    public void Dispose() => _meter.Dispose();
}

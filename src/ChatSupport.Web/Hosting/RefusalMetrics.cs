using System.Diagnostics.Metrics;
using ChatSupport.Web.Turns;

namespace ChatSupport.Web.Hosting;

/// <summary>
/// Refused anonymous requests, counted on the ChatSupport meter instead of written to the audit log (an anonymous flood
/// would otherwise write a row per request): <c>chatsupport.requests.refused</c>, tagged with the endpoint's policy and
/// the reason (<c>rate-limit</c>, <c>unpublished</c>). No address or other caller detail is a tag.
/// </summary>
public sealed class RefusalMetrics(TurnMetrics turns)
{
    public const string InstrumentName = "chatsupport.requests.refused";
    private readonly Counter<long> _refused = turns.Meter.CreateCounter<long>(InstrumentName, description: "Anonymous requests refused (rate limit, unpublished open data)");

    public void Refused(string endpoint, string reason) =>
        _refused.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint), new KeyValuePair<string, object?>("reason", reason));
}

namespace ChatSupport.Bots;

/// <summary>
/// The time of a turn and the tenant's time zone ("daily" means a day in that zone, Asia/Tokyo by default).
/// Taken from the activity's timestamp so that a replayed or redelivered turn decides as the original did.
/// </summary>
public sealed record TurnClock(DateTimeOffset Now, TimeZoneInfo TimeZone)
{
    public static readonly TimeZoneInfo Tokyo = FindZone("Asia/Tokyo");

    public DateTimeOffset LocalNow => TimeZoneInfo.ConvertTime(Now, TimeZone);
    public DateOnly Today => DateOnly.FromDateTime(LocalNow.DateTime);

    public static TimeZoneInfo FindZone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone)
            ? zone
            : id == "Asia/Tokyo"
                ? TimeZoneInfo.CreateCustomTimeZone("Asia/Tokyo", TimeSpan.FromHours(9), "Asia/Tokyo", "JST")
                : throw new TimeZoneNotFoundException($"Unknown time zone '{id}'.");
}

public static class TurnClockExtensions
{
    /// <summary>The turn's clock: the one set in turn state, else the activity's timestamp in Asia/Tokyo.</summary>
    public static TurnClock Clock(this ITurnContext turnContext) =>
        turnContext.TurnState.GetOrAdd(() => new TurnClock(turnContext.Activity.Timestamp ?? DateTimeOffset.UtcNow, TurnClock.Tokyo));
}

using ChatSupport.Bots;
using ChatSupport.Channels.Line;

namespace ChatSupport.Web.FollowUps;

/// <summary>A tenant's day: the engine's <see cref="TurnClock"/> in the tenant's time zone, and its sending hours.</summary>
public static class TenantTime
{
    public static TurnClock Clock(this TenantOptions tenant, DateTimeOffset now) => new(now, TurnClock.FindZone(tenant.TimeZoneId));

    /// <summary>The instant a local time of a day is in a time zone (its offset on that day: DST where a zone has it).</summary>
    public static DateTimeOffset At(this TimeZoneInfo zone, DateOnly day, TimeOnly time)
    {
        var local = day.ToDateTime(time);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    /// <summary>Whether the tenant's latest sending time of the day has passed.</summary>
    public static bool PastSendingHours(this TenantOptions tenant, TurnClock clock) =>
        TimeOnly.FromDateTime(clock.LocalNow.DateTime) > tenant.FollowUps.LatestSendingTime;
}

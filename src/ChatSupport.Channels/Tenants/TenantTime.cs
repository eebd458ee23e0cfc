using ChatSupport.Bots;

namespace ChatSupport.Tenants;

/// <summary>A tenant's day: the engine's <see cref="TurnClock"/> in the tenant's time zone, and its sending hours.</summary>
public static class TenantTime
{
    /// <summary>The tenant's time zone (<c>Tenants:{id}:TimeZoneId</c>, Asia/Tokyo unless said).</summary>
    public static TimeZoneInfo Zone(this TenantOptions tenant) => TurnClock.FindZone(tenant.TimeZoneId);

    public static TurnClock Clock(this TenantOptions tenant, DateTimeOffset now) => new(now, tenant.Zone());

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

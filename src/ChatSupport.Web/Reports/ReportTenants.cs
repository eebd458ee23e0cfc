using ChatSupport.Bots;
using ChatSupport.Channels.Line;
using ChatSupport.Persistence;
using ChatSupport.Persistence.Reports;
using ChatSupport.Questionnaires;
using ChatSupport.Reports;
using ChatSupport.Web.FollowUps;
using Microsoft.Extensions.Options;
using ChatSupport.Tenants;

namespace ChatSupport.Web.Reports;

/// <summary>A tenant as the reports see it: its time zone, threshold, age bands and area table.</summary>
public sealed record ReportTenant(string Id, TimeZoneInfo Zone, int K, AgeBands Bands, IReadOnlyList<ReportAreaRow>? Areas, TimeOnly AggregateAt, int RecountDays = 2)
{
    /// <summary>The tenant-local day before <paramref name="now"/>: what the nightly run counts.</summary>
    public DateOnly Yesterday(DateTimeOffset now) => new TurnClock(now, Zone).Today.AddDays(-1);

    /// <summary>The instants a tenant-local day begins and ends (23 or 25 hours long where clocks change).</summary>
    public (DateTimeOffset From, DateTimeOffset To) Bounds(DateOnly day) => (Zone.At(day, TimeOnly.MinValue), Zone.At(day.AddDays(1), TimeOnly.MinValue));
}

/// <summary>
/// The tenants whose figures are counted: every configured tenant, and <see cref="DailyAggregation.DefaultTenant"/> for
/// residents who came without one (the Bot Framework channel and the try-it page) unless a tenant of that name is configured.
/// </summary>
public sealed class ReportTenants(IOptionsMonitor<TenantsOptions> tenants, IOptions<QuestionnaireBotOptions> questionnaires)
{
    private readonly Dictionary<string, (string Signature, IReadOnlyList<ReportAreaRow> Rows)> _areas = new(StringComparer.Ordinal);

    public IEnumerable<string> Ids => tenants.CurrentValue.Keys.Append(DailyAggregation.DefaultTenant).Distinct(StringComparer.Ordinal);

    /// <summary>When each tenant of a configuration is counted: its local time and time zone.</summary>
    public IEnumerable<(string Id, TimeZoneInfo Zone, TimeOnly At)> Schedules(TenantsOptions current) =>
        current.Keys.Append(DailyAggregation.DefaultTenant).Distinct(StringComparer.Ordinal).Select(id =>
        {
            var options = current.GetValueOrDefault(id);
            return (id, ZoneOf(options), options?.Reports.AggregateAt ?? new TenantReportOptions().AggregateAt);
        });

    /// <summary>The tenant's time zone; the questionnaires' (Asia/Tokyo) for residents without a tenant.</summary>
    private TimeZoneInfo ZoneOf(TenantOptions? options) => TurnClock.FindZone(options?.TimeZoneId ?? questionnaires.Value.TimeZoneId);

    public bool Exists(string id) => Ids.Contains(id, StringComparer.Ordinal);

    public ReportTenant Get(string id)
    {
        var options = tenants.CurrentValue.GetValueOrDefault(id);
        var reports = options?.Reports ?? new TenantReportOptions();
        var zone = ZoneOf(options);
        var bands = new AgeBands(reports.AgeBands is { Count: > 0 } bounds ? bounds : AgeBands.Default.LowerBounds, reports.ElderlyFrom);
        return new ReportTenant(id, zone, reports.SmallCellThreshold, bands, Areas(id, reports), reports.AggregateAt, reports.RecountDays);
    }

    private IReadOnlyList<ReportAreaRow>? Areas(string tenantId, TenantReportOptions reports)
    {
        if (reports.AreaTable is null) return null;
        var signature = $"{reports.AreaTable}|{reports.HealthAreaTable}";
        lock (_areas)
        {
            if (_areas.TryGetValue(tenantId, out var cached) && cached.Signature == signature) return cached.Rows;
            var rows = ReportAreaTables.Load(tenantId, reports, questionnaires.Value.Path)!;
            _areas[tenantId] = (signature, rows);
            return rows;
        }
    }
}

/// <summary>
/// Reads a tenant's area tables (<c>dialogs/areas/</c>): postal code or prefix → municipality
/// (<c>key,municipality_code,municipality,…</c>), and municipality code → health-centre area
/// (<c>key,municipality,health_area,…</c>). A key whose municipality is empty spans several municipalities: its
/// residents are counted under the key itself (〒243…), never guessed into one of them.
/// </summary>
public static class ReportAreaTables
{
    /// <summary>A tenant's configured tables, relative to the questionnaires' folder; null when it has none.</summary>
    public static IReadOnlyList<ReportAreaRow>? Load(string tenantId, TenantReportOptions reports, string folder) =>
        reports.AreaTable is null ? null
            : Load(tenantId, Path.Combine(folder, reports.AreaTable), reports.HealthAreaTable is { } health ? Path.Combine(folder, health) : null);

    public static IReadOnlyList<ReportAreaRow> Load(string tenantId, string postalPath, string? healthPath)
    {
        var postal = AreaTable.Load(postalPath, "postal_code");
        foreach (var column in new[] { "municipality_code", "municipality" })
            if (!postal.Columns.Contains(column)) throw new FormatException($"{postalPath}: the header needs a '{column}' column.");
        var health = healthPath is null ? null : AreaTable.Load(healthPath, "municipality_code", byPrefix: false);
        if (health is not null && !health.Columns.Contains("health_area")) throw new FormatException($"{healthPath}: the header needs a 'health_area' column.");
        var rows = new List<ReportAreaRow>();
        foreach (var key in postal.Keys.Where(k => k != "*"))
        {
            if (key.Length is < 3 or > 7 || !key.All(char.IsAsciiDigit))
                throw new FormatException($"{postalPath}: the key '{key}' is not a postal code or a prefix of 3 to 7 digits.");
            var row = postal.Lookup(key)!;
            var municipality = row["municipality"];
            var spanning = municipality.Length == 0;
            var label = spanning ? $"〒{(key.Length == 7 ? key[..3] + "-" + key[3..] : key)}（複数の市町村）" : municipality;
            var healthArea = spanning || health is null
                ? label
                : health.Keys.Contains(row["municipality_code"]) && health.Lookup(row["municipality_code"])!["health_area"] is { Length: > 0 } h ? h
                : $"{municipality}（保健所区域未設定）";
            rows.Add(new ReportAreaRow { TenantId = tenantId, Key = key, Area = label, HealthArea = healthArea });
        }
        return rows;
    }
}

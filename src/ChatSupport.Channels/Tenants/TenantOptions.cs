using System.ComponentModel.DataAnnotations;
using ChatSupport.Channels.Line;

namespace ChatSupport.Tenants;

/// <summary>
/// The tenants of one deployment (for example several prefectures), each with its own LINE channel:
/// <c>Tenants:{id}:Line:ChannelSecret</c>, <c>…:ChannelAccessToken</c>, <c>…:ApiBaseUrl</c>, and the tenant's
/// questionnaire, locale, time zone and follow-up hour. Environment variables such as
/// <c>Tenants__kanagawa__Line__ChannelSecret</c> configure a tenant without a file.
/// </summary>
public sealed class TenantsOptions : Dictionary<string, TenantOptions>
{
    public const string SectionName = "Tenants";

    /// <summary>Ids are compared exactly (they are lower case): one tenant has one spelling in every key and pseudonym.</summary>
    public TenantsOptions() : base(StringComparer.Ordinal) { }

    /// <summary>Every problem of the configuration, for start-up validation (secrets are never quoted).</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var (id, tenant) in this)
        {
            if (!TenantOptions.IsValidId(id)) yield return $"Tenants:{id}: a tenant id is 1-32 characters a-z, 0-9, '-' or '_'.";
            if (tenant.Line is not { } line) continue;
            if (string.IsNullOrWhiteSpace(line.ChannelSecret)) yield return $"Tenants:{id}:Line:ChannelSecret is missing.";
            if (string.IsNullOrWhiteSpace(line.ChannelAccessToken)) yield return $"Tenants:{id}:Line:ChannelAccessToken is missing.";
            if (!Uri.TryCreate(line.ApiBaseUrl, UriKind.Absolute, out var api) || api.Scheme is not ("https" or "http"))
                yield return $"Tenants:{id}:Line:ApiBaseUrl must be an absolute http(s) URL.";
            if (!TimeZoneInfo.TryFindSystemTimeZoneById(tenant.TimeZoneId, out _)) yield return $"Tenants:{id}:TimeZoneId '{tenant.TimeZoneId}' is not a known time zone.";
            if (tenant.FollowUpHour is < 0 or > 23) yield return $"Tenants:{id}:FollowUpHour must be 0-23.";
            foreach (var problem in tenant.FollowUps.Problems()) yield return $"Tenants:{id}:FollowUps:{problem}";
        }
        foreach (var (id, tenant) in this)
            foreach (var problem in tenant.Reports.Problems()) yield return $"Tenants:{id}:Reports:{problem}";
    }
}

public sealed class TenantOptions
{
    public LineChannelOptions? Line { get; set; }
    /// <summary>The questionnaire a new resident is offered (default: the host's Questionnaires:DefaultQuestionnaire).</summary>
    public string? DefaultQuestionnaire { get; set; }
    /// <summary>
    /// The questionnaires this tenant offers (its default always); unset: its default and the questionnaires its
    /// follow-ups open. A button or command for any other (another municipality's) starts nothing.
    /// </summary>
    public List<string>? Questionnaires { get; set; }
    public string Locale { get; set; } = "ja";
    public string TimeZoneId { get; set; } = "Asia/Tokyo";
    [Range(0, 23)]
    public int FollowUpHour { get; set; } = 10;
    public TenantFollowUpOptions FollowUps { get; set; } = new();
    public TenantReportOptions Reports { get; set; } = new();

    /// <summary>
    /// The bot's options for this tenant: its questionnaire (else the host's), time zone and offered questionnaires
    /// (its own list, never the host's <c>Questionnaires:Offered</c>: unset means its default and that one's follow-ups).
    /// </summary>
    public ChatSupport.Questionnaires.QuestionnaireBotOptions BotOptions(ChatSupport.Questionnaires.QuestionnaireBotOptions host) => new()
    {
        Path = host.Path, DefaultQuestionnaire = DefaultQuestionnaire ?? host.DefaultQuestionnaire, TimeZoneId = TimeZoneId,
        Offered = Questionnaires is { } list ? [.. list] : null,
    };

    public static bool IsValidId(string id) =>
        id.Length is > 0 and <= 32 && id.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_');
}

public enum OverBudget { Stop, Warn }

/// <summary>How a tenant's daily follow-ups are sent: the sending window, the monthly message budget and the alert webhook.</summary>
public sealed class TenantFollowUpOptions
{
    /// <summary>Planning runs this long before the follow-up hour, so that sending starts on the hour (not after a million rows are planned).</summary>
    public TimeSpan PlanAhead { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>The day's invitations are spread over this long from the follow-up hour, so answers do not all arrive in one minute.</summary>
    public TimeSpan SendingWindow { get; set; } = TimeSpan.FromHours(1);
    /// <summary>Nothing is sent after this local time: a planner that missed the hour catches up until then, never the next day.</summary>
    public TimeOnly LatestSendingTime { get; set; } = new(20, 0);
    /// <summary>LINE's local-government plan does not charge for messages: no budget applies.</summary>
    public bool LocalGovernmentPlan { get; set; }
    /// <summary>Messages (one per recipient of a push or multicast) per month; null for no budget.</summary>
    public long? MonthlyMessageBudget { get; set; }
    /// <summary>What happens when a batch would exceed the budget or LINE's quota: stop sending (held) or send and warn.</summary>
    public OverBudget OverBudget { get; set; } = OverBudget.Stop;
    /// <summary>Staff alerts are also posted here (the health centre's own system), signed with <see cref="AlertWebhookSecret"/>.</summary>
    public string? AlertWebhookUrl { get; set; }
    public string? AlertWebhookSecret { get; set; }

    public IEnumerable<string> Problems()
    {
        if (SendingWindow < TimeSpan.Zero || SendingWindow > TimeSpan.FromHours(12)) yield return "SendingWindow must be 0-12 hours.";
        if (PlanAhead < TimeSpan.Zero || PlanAhead > TimeSpan.FromHours(2)) yield return "PlanAhead must be 0-2 hours.";
        if (MonthlyMessageBudget < 0) yield return "MonthlyMessageBudget cannot be negative.";
        if (AlertWebhookUrl is { Length: > 0 } url && (!Uri.TryCreate(url, UriKind.Absolute, out var u) || u.Scheme is not ("https" or "http")))
            yield return "AlertWebhookUrl must be an absolute http(s) URL.";
        if (AlertWebhookUrl is { Length: > 0 } && string.IsNullOrEmpty(AlertWebhookSecret)) yield return "AlertWebhookSecret is needed with AlertWebhookUrl (the receiver checks the signature).";
    }
}

/// <summary>A tenant's officials' reports: the small-cell threshold, its area tables, its age bands and when the day is counted.</summary>
public sealed class TenantReportOptions
{
    /// <summary>Counts from 1 to k − 1 are suppressed (with complementary suppression). 10 unless the tenant's rules say otherwise.</summary>
    public int SmallCellThreshold { get; set; } = 10;
    /// <summary>Postal code (or 3–7 digit prefix) → municipality, relative to the questionnaires' folder; none: areas are the first three digits.</summary>
    public string? AreaTable { get; set; }
    /// <summary>Municipality code → health-centre area, relative to the questionnaires' folder.</summary>
    public string? HealthAreaTable { get; set; }
    /// <summary>The lowest age of each band, from 0 (default 0, 10, … 90).</summary>
    public List<int>? AgeBands { get; set; }
    /// <summary>Ages from this are counted as elderly (the self-check's 65).</summary>
    public int ElderlyFrom { get; set; } = 65;
    /// <summary>The previous day is counted at this local time (late answers of the day before are in by then).</summary>
    public TimeOnly AggregateAt { get; set; } = new(0, 30);
    /// <summary>How many days back the nightly run counts again (yesterday and the day before, by default): answers that reach it late, e.g. an event LINE redelivered after midnight, are in the next night's figures.</summary>
    public int RecountDays { get; set; } = 2;

    public IEnumerable<string> Problems()
    {
        if (SmallCellThreshold is < 1 or > 1000) yield return "SmallCellThreshold must be 1-1000.";
        if (AgeBands is { } bands && (bands.Count == 0 || bands[0] != 0 || bands.Zip(bands.Skip(1)).Any(p => p.Second <= p.First)))
            yield return "AgeBands must start at 0 and rise.";
        if (ElderlyFrom is < 0 or > 150) yield return "ElderlyFrom must be 0-150.";
        if (RecountDays is < 1 or > 31) yield return "RecountDays must be 1-31.";
        if (AreaTable is null && HealthAreaTable is not null) yield return "HealthAreaTable needs AreaTable (areas are found from postal codes first).";
    }
}

using ChatSupport.Channels.Line;
using ChatSupport.Persistence;
using ChatSupport.Persistence.Stores;
using ChatSupport.Bots;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ChatSupport.Tenants;

namespace ChatSupport.Web.FollowUps;

/// <summary>
/// Pushes and multicasts cost money unless the tenant is on LINE's local-government plan: they are counted per tenant
/// and month (one message per recipient, as LINE counts), and a batch that would go over the configured monthly
/// budget, or over LINE's own quota, is held or sent with a warning (Tenants:{id}:FollowUps:OverBudget).
/// </summary>
public sealed class MessageBudget(MessageBudgetStore usage, IOptionsMonitor<TenantsOptions> tenants, LineClient line, TimeProvider clock, ILogger<MessageBudget> logger)
{
    public string Month(string tenantId)
    {
        var tenant = tenants.CurrentValue.GetValueOrDefault(tenantId) ?? new TenantOptions();
        return tenant.Clock(clock.GetUtcNow()).LocalNow.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
    }

    public Task<long> UsedAsync(ChatSupportDbContext db, string tenantId, CancellationToken ct) => usage.UsedAsync(db, tenantId, Month(tenantId), ct);

    /// <summary>Whether <paramref name="messages"/> more may be sent this month (our count against the configured budget).</summary>
    public async Task<bool> AllowAsync(ChatSupportDbContext db, string tenantId, long messages, CancellationToken ct)
    {
        var options = tenants.CurrentValue.GetValueOrDefault(tenantId)?.FollowUps ?? new TenantFollowUpOptions();
        if (options.LocalGovernmentPlan || options.MonthlyMessageBudget is not { } budget) return true;
        var used = await UsedAsync(db, tenantId, ct);
        return used + messages <= budget || OverBudget(tenantId, options, $"the monthly budget of {budget} messages ({used} used)");
    }

    /// <summary>Whether LINE's own quota for the month leaves room for <paramref name="messages"/> (read from the quota endpoints).</summary>
    public async Task<bool> AllowByLineQuotaAsync(string tenantId, long messages, CancellationToken ct)
    {
        var options = tenants.CurrentValue.GetValueOrDefault(tenantId)?.FollowUps ?? new TenantFollowUpOptions();
        if (options.LocalGovernmentPlan) return true;
        var quota = await QuotaAsync(tenantId, ct);
        if (quota is not { Type: "limited", Value: { } limit, TotalUsage: { } usage }) return true;
        return usage + messages <= limit || OverBudget(tenantId, options, $"LINE's monthly quota of {limit} messages ({usage} used)");
    }

    public sealed record LineQuota(string? Type, long? Value, long? TotalUsage);

    public async Task<LineQuota?> QuotaAsync(string tenantId, CancellationToken ct)
    {
        var (quotaResult, quota) = await line.GetQuotaAsync(tenantId, ct);
        var (usageResult, usage) = await line.GetQuotaConsumptionAsync(tenantId, ct);
        if (quota is null || usage is null)
        {
            logger.LogWarning("LINE's quota could not be read ({QuotaStatus}, {UsageStatus})", quotaResult.Status, usageResult.Status);
            return null;
        }
        return new LineQuota((string?)quota["type"], (long?)quota["value"], (long?)usage["totalUsage"]);
    }

    private bool OverBudget(string tenantId, TenantFollowUpOptions options, string what)
    {
        if (options.OverBudget == ChatSupport.Tenants.OverBudget.Warn)
        {
            logger.LogWarning("Tenant {Tenant}: sending goes over {What}; sent anyway (OverBudget = Warn)", tenantId, what);
            return true;
        }
        logger.LogWarning("Tenant {Tenant}: sending would go over {What}; held (OverBudget = Stop)", tenantId, what);
        return false;
    }

    /// <summary>Counts messages sent, in the caller's transaction.</summary>
    public Task CountAsync(ChatSupportDbContext db, string tenantId, long messages, CancellationToken ct) => usage.CountAsync(db, tenantId, Month(tenantId), messages, ct);
}

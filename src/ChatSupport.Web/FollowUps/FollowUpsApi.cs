using ChatSupport.Channels.Line;
using ChatSupport.Persistence;
using ChatSupport.Web.Access;
using ChatSupport.Web.Hosting;
using Hangfire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ChatSupport.Tenants;

namespace ChatSupport.Web.FollowUps;

public sealed record FollowUpBatch(long Id, string Tenant, DateOnly Day, string Kind, string Questionnaire, string Rule, string Locale,
    int Recipients, string Status, int Attempts, string? Reason, DateTimeOffset NotBefore, DateTimeOffset? SentAt);

public sealed record MessageUsage(string Tenant, string Month, long Messages, long? Budget, bool LocalGovernmentPlan, MessageBudget.LineQuota? Line);

public static class FollowUpsApi
{
    /// <summary>
    /// Staff: the day's batches with their status and reason (failed ones above all), the month's message usage against
    /// the budget and LINE's quota. Administrators: run a planning slot now (it plans nobody twice), sending from the slot's time or <c>sendAt</c>.
    /// </summary>
    public static void MapFollowUpsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/staff/follow-ups").RequireAuthorization(Roles.Staff).WithTags("Follow-ups");
        group.MapGet("/batches", BatchesAsync);
        group.MapGet("/usage", UsageAsync);
        group.MapPost("/plan", Plan).RequireAuthorization(Roles.Admin);
    }

    private static async Task<Ok<List<FollowUpBatch>>> BatchesAsync(HttpContext http, IDbContextFactory<ChatSupportDbContext> contexts, string? tenant, string? status, DateOnly? day, int? limit, CancellationToken ct)
    {
        tenant = Roles.TenantOf(http.User) ?? tenant;
        await using var db = contexts.CreateDbContext();
        var query = db.FollowUpBatches.AsNoTracking();
        if (tenant is not null) query = query.Where(b => b.TenantId == tenant);
        if (status is not null) query = query.Where(b => b.Status == status);
        if (day is not null) query = query.Where(b => b.LocalDate == day);
        var rows = await query.OrderByDescending(b => b.Id).Take(Math.Clamp(limit ?? 100, 1, 1000)).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(b => new FollowUpBatch(b.Id, b.TenantId, b.LocalDate, b.Kind, b.Questionnaire, b.Rule, b.Locale,
            b.Recipients, b.Status, b.Attempts, b.LastError, b.NotBefore, b.SentAt)).ToList());
    }

    private static async Task<Results<Ok<MessageUsage>, NotFound>> UsageAsync(HttpContext http, string tenant, IDbContextFactory<ChatSupportDbContext> contexts, IOptionsMonitor<TenantsOptions> tenants, MessageBudget budget, CancellationToken ct)
    {
        if (!Roles.MaySee(http.User, tenant) || tenants.CurrentValue.GetValueOrDefault(tenant) is not { Line: not null } options) return TypedResults.NotFound();
        await using var db = contexts.CreateDbContext();
        return TypedResults.Ok(new MessageUsage(tenant, budget.Month(tenant), await budget.UsedAsync(db, tenant, ct), options.FollowUps.MonthlyMessageBudget,
            options.FollowUps.LocalGovernmentPlan, await budget.QuotaAsync(tenant, ct)));
    }

    private static Results<Accepted<string>, NotFound, BadRequest<string>> Plan(HttpContext http, string tenant, string? slot, DateTimeOffset? sendAt, IOptionsMonitor<TenantsOptions> tenants, IBackgroundJobClientV2 jobs)
    {
        if (!Roles.MaySee(http.User, tenant) || tenants.CurrentValue.GetValueOrDefault(tenant) is not { Line: not null } options) return TypedResults.NotFound();
        var minute = options.FollowUpHour * 60;
        if (slot is not null)
        {
            if (!TimeOnly.TryParseExact(slot, "HH:mm", out var at)) return TypedResults.BadRequest("slot is a time of day, HH:mm");
            minute = at.Hour * 60 + at.Minute;
        }
        var id = jobs.Enqueue<PlanFollowUpsJob>(j => j.RunAsync(tenant, minute, sendAt, CancellationToken.None));
        return TypedResults.Accepted($"/hangfire/jobs/details/{id}", id);
    }
}

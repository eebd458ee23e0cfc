using ChatSupport.Persistence;
using ChatSupport.Web.Access;
using ChatSupport.Web.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ChatSupport.Web.Alerts;

/// <summary>A staff alert as listed: the pseudonymous resident id, never personal data.</summary>
public sealed record StaffAlert(long Id, string? Tenant, string Resident, string Questionnaire, string Kind, string Rule, DateTimeOffset RaisedAt,
    DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy, string Webhook);

public static class StaffAlertsApi
{
    /// <summary>GET /api/staff/alerts (open ones by default) and POST /api/staff/alerts/{id}/acknowledge, for staff.</summary>
    public static void MapStaffAlertsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/staff/alerts").RequireAuthorization(Roles.Staff).WithTags("Staff alerts");
        group.MapGet("/", ListAsync);
        group.MapPost("/{id:long}/acknowledge", AcknowledgeAsync);
    }

    private static async Task<Ok<List<StaffAlert>>> ListAsync(HttpContext http, IDbContextFactory<ChatSupportDbContext> contexts, string? tenant, string? status, long? after, int? limit, CancellationToken ct)
    {
        tenant = Roles.TenantOf(http.User) ?? tenant; // a key of one tenant sees only that tenant's alerts
        await using var db = contexts.CreateDbContext();
        var query = db.StaffAlerts.AsNoTracking().Where(a => a.Id > (after ?? 0));
        if (tenant is not null) query = query.Where(a => a.TenantId == tenant);
        query = status switch
        {
            "all" => query,
            "acknowledged" => query.Where(a => a.AcknowledgedAt != null),
            _ => query.Where(a => a.AcknowledgedAt == null),
        };
        var rows = await query.OrderBy(a => a.Id).Take(Math.Clamp(limit ?? 100, 1, 1000)).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(a => new StaffAlert(a.Id, a.TenantId, a.ResidentId, a.QuestionnaireId, a.Kind, a.Rule, a.RaisedAt,
            a.AcknowledgedAt, a.AcknowledgedBy, a.WebhookStatus)).ToList());
    }

    private static async Task<Results<NoContent, NotFound>> AcknowledgeAsync(long id, HttpContext http, IDbContextFactory<ChatSupportDbContext> contexts, TimeProvider clock, CancellationToken ct)
    {
        await using var db = contexts.CreateDbContext();
        var alert = await db.StaffAlerts.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (alert is null || !Roles.MaySee(http.User, alert.TenantId)) return TypedResults.NotFound();
        var who = http.User.Identity?.Name ?? "staff";
        if (alert.AcknowledgedAt is null)
        {
            (alert.AcknowledgedAt, alert.AcknowledgedBy) = (clock.GetUtcNow(), who);
            // The alert by its id only: the resident's pseudonym (which their LINE user id recomputes) and the rule (a health
            // fact) stay on the alert, which is erased with the resident; the audit row outlives it and leads nowhere.
            db.Audit(clock, who, "alert-acknowledged", $"alert {id}");
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.NoContent();
    }
}

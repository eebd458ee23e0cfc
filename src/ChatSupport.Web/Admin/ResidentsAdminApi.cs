using System.Security.Claims;
using ChatSupport.Persistence;
using ChatSupport.Persistence.Residents;
using ChatSupport.Persistence.Stores;
using ChatSupport.Web.Access;
using ChatSupport.Web.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatSupport.Web.Admin;

/// <summary><c>DELETE /api/admin/residents/{channelId}/{userId}</c>: erase a resident on request (role admin).</summary>
public static class ResidentsAdminApi
{
    public static IEndpointRouteBuilder MapResidentsAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/admin/residents").RequireAuthorization(Roles.Admin);
        group.MapDelete("/{channelId}/{userId}", EraseAsync).WithName("EraseResident");
        return endpoints;
    }

    private static async Task<NoContent> EraseAsync(string channelId, string userId, ClaimsPrincipal user,
        DatabaseSettings settings, ResidentKeys keys, TimeProvider clock, CancellationToken ct)
    {
        var residentId = $"{channelId}:{userId}";
        await using var db = Database.Open(settings.ConnectionString);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await Erasure.EraseAsync(db, residentId, keys.Pseudonym(residentId), ct);
        db.AuditLog.Add(new AuditRow { At = clock.GetUtcNow(), Actor = user.Identity?.Name ?? "admin", Action = "erasure", Details = "every row of one resident erased by an administrator" });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.NoContent();
    }
}

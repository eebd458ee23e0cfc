using System.Security.Claims;
using ChatSupport.Persistence;
using ChatSupport.Persistence.Residents;
using ChatSupport.Persistence.Stores;
using ChatSupport.Web.Access;
using ChatSupport.Web.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ChatSupport.Web.Admin;

/// <summary>Whom to erase: the channel and the channel's user id, in the body so that no URL (or proxy log) carries them.</summary>
public sealed record EraseResidentRequest(string? ChannelId, string? UserId);

/// <summary><c>POST /api/admin/residents/erase</c> <c>{"channelId":…,"userId":…}</c>: erase a resident on request (role admin).</summary>
public static class ResidentsAdminApi
{
    public static IEndpointRouteBuilder MapResidentsAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/admin/residents").RequireAuthorization(Roles.Admin);
        group.MapPost("/erase", EraseAsync).WithName("EraseResident").ProducesProblem(StatusCodes.Status400BadRequest);
        return endpoints;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> EraseAsync(EraseResidentRequest request, ClaimsPrincipal user,
        IDbContextFactory<ChatSupportDbContext> contexts, ResidentKeys keys, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.ChannelId) || string.IsNullOrWhiteSpace(request.UserId))
            return TypedResults.Problem(title: "channelId and userId are required.", statusCode: StatusCodes.Status400BadRequest);
        var residentId = $"{request.ChannelId}:{request.UserId}";
        await using var db = contexts.CreateDbContext();
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            await Erasure.EraseAsync(db, residentId, keys.Pseudonym(residentId), ct);
            // Audited without the resident: no user id and no pseudonym (which the user id would recompute).
            db.Audit(clock, user.Identity?.Name, "erasure", details: "every row of one resident erased by an administrator");
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        await Erasure.AfterCommitAsync(db, ct);
        return TypedResults.NoContent();
    }
}

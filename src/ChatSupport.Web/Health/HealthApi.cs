using ChatSupport.Persistence;
using ChatSupport.Questionnaires;
using ChatSupport.Web.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ChatSupport.Web.Health;

/// <summary><c>/healthz</c>: the process is alive. <c>/readyz</c>: the database answers and every migration is applied.</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => TypedResults.Ok(new { status = "alive" })).WithName("Alive").AllowAnonymous();
        endpoints.MapGet("/readyz", ReadyAsync).WithName("Ready").AllowAnonymous();
        return endpoints;
    }

    private static async Task<Results<Ok<object>, ProblemHttpResult>> ReadyAsync(DatabaseSettings settings, CancellationToken ct)
    {
        try
        {
            await using var db = Database.Open(settings.ConnectionString);
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            if (pending.Count > 0)
                return TypedResults.Problem($"{pending.Count} migration(s) not applied.", statusCode: StatusCodes.Status503ServiceUnavailable);
            return TypedResults.Ok<object>(new { status = "ready" });
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return TypedResults.Problem("The database does not answer.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    /// <summary><c>GET /api/questionnaires</c>: what the chat page offers (id, title in each locale).</summary>
    public static IEndpointRouteBuilder MapQuestionnaireListApi(this IEndpointRouteBuilder endpoints)
    {
        // Only what the Bot Framework path offers (Questionnaires:Offered): the page cannot start any other.
        endpoints.MapGet("/api/questionnaires", (QuestionnaireCatalog catalog, Microsoft.Extensions.Options.IOptions<QuestionnaireBotOptions> options) =>
            TypedResults.Ok(catalog.All.Where(q => options.Value.OfferedIn(catalog).Contains(q.Id)).OrderBy(q => q.Id, StringComparer.Ordinal)
                .Select(q => new QuestionnaireSummary(q.Id, q.Version, q.Title.ByLocale)).ToList()))
            .WithName("ListQuestionnaires").AllowAnonymous();
        return endpoints;
    }

    public sealed record QuestionnaireSummary(string Id, string Version, IReadOnlyDictionary<string, string> Title);
}

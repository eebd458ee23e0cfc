using ChatSupport.Persistence;
using ChatSupport.Questionnaires;
using ChatSupport.Web.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

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

    private static async Task<Results<Ok<object>, ProblemHttpResult>> ReadyAsync(IDbContextFactory<ChatSupportDbContext> contexts, CancellationToken ct)
    {
        try
        {
            await using var db = contexts.CreateDbContext();
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

    /// <summary>
    /// <c>GET /api/questionnaires</c>: what the chat page offers (id, title in each locale). The configured default comes
    /// first, marked <c>isDefault</c>, so the page preselects it; follow-ups (named by another questionnaire's
    /// <c>follow_up</c>, opened by the follow-up job) are marked <c>isFollowUp</c> and come last, never as a first choice.
    /// </summary>
    public static IEndpointRouteBuilder MapQuestionnaireListApi(this IEndpointRouteBuilder endpoints)
    {
        // Only what the Bot Framework path offers (Questionnaires:Offered): the page cannot start any other.
        endpoints.MapGet("/api/questionnaires", (QuestionnaireCatalog catalog, IOptions<QuestionnaireBotOptions> options) =>
            TypedResults.Ok(Offered(catalog, options.Value.DefaultQuestionnaire, options.Value.OfferedIn(catalog))))
            .WithName("ListQuestionnaires").AllowAnonymous();
        return endpoints;
    }

    /// <summary>The default, then the other first choices, then the follow-ups; by id within each.</summary>
    public static List<QuestionnaireSummary> Offered(QuestionnaireCatalog catalog, string defaultQuestionnaire, IReadOnlySet<string> offered)
    {
        var followUps = catalog.All
            .SelectMany(q => (q.FollowUp?.Rules ?? []).Where(r => r.Questionnaire != q.Id).Select(r => r.Questionnaire))
            .Where(id => id != defaultQuestionnaire)
            .ToHashSet(StringComparer.Ordinal);
        return [.. catalog.All.Where(q => offered.Contains(q.Id))
            .Select(q => new QuestionnaireSummary(q.Id, q.Version, q.Title.ByLocale, q.Id == defaultQuestionnaire, followUps.Contains(q.Id)))
            .OrderByDescending(q => q.IsDefault).ThenBy(q => q.IsFollowUp).ThenBy(q => q.Id, StringComparer.Ordinal)];
    }

    public sealed record QuestionnaireSummary(string Id, string Version, IReadOnlyDictionary<string, string> Title, bool IsDefault, bool IsFollowUp);
}

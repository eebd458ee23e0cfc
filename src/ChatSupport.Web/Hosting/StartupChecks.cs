using ChatSupport.Channels.Line;
using ChatSupport.Questionnaires;
using Microsoft.Extensions.Options;
using ChatSupport.Tenants;

namespace ChatSupport.Web.Hosting;

/// <summary>
/// Checks that stop ChatSupport at start instead of failing every turn later: the default questionnaires exist, and
/// (outside Development) no secret is a placeholder copied from appsettings.sample.json or plainly weak. Each problem
/// names the setting, never a secret's value. The secrets are checked before the database is touched
/// (<see cref="ChatSupportHosting.MigrateDatabaseAsync"/>), the questionnaires once the published ones are loaded.
/// </summary>
public sealed class StartupChecks(IConfiguration configuration, IHostEnvironment environment, Questionnaires.QuestionnaireLibrary library,
    IOptions<QuestionnaireBotOptions> questionnaires, IOptions<TenantsOptions> tenants, Persistence.DatabaseConfiguration database)
{
    /// <summary>The prefix every placeholder secret of appsettings.sample.json starts with.</summary>
    public const string PlaceholderPrefix = "CHANGE-ME";
    /// <summary>A secret shorter than this is refused (LINE's channel secret is 32 hex digits; a key is at least 32 bytes).</summary>
    public const int MinimumSecretLength = 16;

    /// <summary>Throws an <see cref="OptionsValidationException"/> listing every problem, if there is any.</summary>
    public void Run()
    {
        if (!environment.IsDevelopment()) Throw([.. SecretProblems(configuration, tenants.Value, database)]);
    }

    /// <summary>The default and offered questionnaires against the published ones; throws listing every problem.</summary>
    public void CheckQuestionnaires() => Throw([.. QuestionnaireProblems(library.Current)]);

    private static void Throw(List<string> problems)
    {
        if (problems.Count > 0)
            throw new OptionsValidationException("ChatSupport", typeof(StartupChecks), problems);
    }

    /// <summary>A default questionnaire that is not loaded would answer every turn with 500.</summary>
    /// <remarks>Publishing runs these against the catalog it would make, so a publication can never stop the next start.</remarks>
    public IEnumerable<string> QuestionnaireProblems(QuestionnaireCatalog catalog)
    {
        var id = questionnaires.Value.DefaultQuestionnaire;
        if (string.IsNullOrWhiteSpace(id))
            yield return "Questionnaires:DefaultQuestionnaire is not set.";
        else if (catalog.Find(id) is null)
            yield return $"Questionnaires:DefaultQuestionnaire names '{id}', which is not among the published questionnaires (seeded from '{questionnaires.Value.Path}').";
        foreach (var (tenant, options) in tenants.Value)
            if (options.DefaultQuestionnaire is { Length: > 0 } own && catalog.Find(own) is null)
                yield return $"Tenants:{tenant}:DefaultQuestionnaire names '{own}', which is not among the published questionnaires (seeded from '{questionnaires.Value.Path}').";
        foreach (var problem in OfferedProblems(catalog, "Questionnaires:Offered", questionnaires.Value, followedUp: false)) yield return problem;
        foreach (var (tenant, options) in tenants.Value)
            foreach (var problem in OfferedProblems(catalog, $"Tenants:{tenant}:Questionnaires", options.BotOptions(questionnaires.Value), followedUp: true)) yield return problem;
    }

    /// <summary>
    /// A list of offered questionnaires names only loaded ones; a tenant's (LINE tenants are followed up; the page and
    /// the Bot Framework endpoint are not) also offers every questionnaire that an offered one's follow-ups open: left
    /// out, its residents would silently stop being followed up (their schedules are cleared).
    /// </summary>
    private IEnumerable<string> OfferedProblems(QuestionnaireCatalog catalog, string setting, QuestionnaireBotOptions options, bool followedUp)
    {
        if (options.Offered is not { } list) yield break; // unset: the default and its follow-ups, complete by construction
        foreach (var id in list.Where(id => catalog.Find(id) is null))
            yield return $"{setting} names '{id}', which is not among the published questionnaires (seeded from '{questionnaires.Value.Path}').";
        if (!followedUp) yield break;
        var offered = options.OfferedIn(catalog);
        foreach (var id in offered.Order(StringComparer.Ordinal))
            foreach (var followUp in (catalog.Find(id)?.FollowUp?.Rules ?? []).Select(r => r.Questionnaire).Distinct().Where(f => !offered.Contains(f)))
                yield return $"{setting} offers '{id}' but not '{followUp}', which its follow-ups open: add it, or nobody is followed up.";
    }

    /// <summary>Every secret ChatSupport reads, by setting name; a placeholder or a weak value is named, its value never shown.</summary>
    public static IEnumerable<string> SecretProblems(IConfiguration configuration, TenantsOptions tenants, Persistence.DatabaseConfiguration database)
    {
        var secrets = new List<(string Setting, string? Value)> { ("Residents:PseudonymKey", configuration["Residents:PseudonymKey"]) };
        foreach (var (id, tenant) in tenants)
        {
            if (tenant.Line is { } line)
            {
                secrets.Add(($"Tenants:{id}:Line:ChannelSecret", line.ChannelSecret));
                secrets.Add(($"Tenants:{id}:Line:ChannelAccessToken", line.ChannelAccessToken));
            }
            secrets.Add(($"Tenants:{id}:FollowUps:AlertWebhookSecret", tenant.FollowUps.AlertWebhookSecret));
        }
        foreach (var (setting, value) in secrets)
            if (Weakness(value) is { } weakness) yield return $"{setting} {weakness}; set a real secret (from the environment or a secret store).";
        // The database password is the server's business, but the sample's placeholder is never a real one.
        if (database.IsPostgres && new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString).Password is { } password && IsPlaceholder(password))
            yield return "ConnectionStrings:ChatSupport has the placeholder password of appsettings.sample.json; set the real one (from the environment).";
    }

    public static bool IsPlaceholder(string value) => value.Trim().StartsWith(PlaceholderPrefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Why a configured secret is unacceptable, or null (an unset one is the other checks' business).</summary>
    public static string? Weakness(string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (IsPlaceholder(value)) return "is the placeholder of appsettings.sample.json";
        if (value.Length < MinimumSecretLength) return $"is shorter than {MinimumSecretLength} characters";
        if (value.Distinct().Count() < 5) return "is made of fewer than 5 different characters";
        return null;
    }
}

using System.Security.Cryptography;
using System.Text;
using ChatSupport.Persistence;
using ChatSupport.Questionnaires;
using ChatSupport.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using YamlDotNet.RepresentationModel;

namespace ChatSupport.Web.Reports;

public static class ReportsRegistration
{
    public static IServiceCollection AddReports(this IServiceCollection services)
    {
        services.AddSingleton<ReportTenants>();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<Channels.Line.TenantsOptions>, AreaTablesValidation>();
        services.AddTransient<AggregateDailyJob>();
        services.AddHostedService<QuestionnaireRevisions>();
        return services;
    }
}

/// <summary>
/// Records each questionnaire's version and follow-up policy (a hash of its <c>follow_up</c> section) the first time a
/// running ChatSupport loads them, so that the reports can mark the day a policy changed: from then on, who is asked
/// again and how often is not what it was, and the figures mean something else.
/// </summary>
public sealed class QuestionnaireRevisions(IDbContextFactory<ChatSupportDbContext> contexts, QuestionnaireCatalog catalog, TimeProvider clock, ILogger<QuestionnaireRevisions> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        foreach (var q in catalog.All)
        {
            var hash = PolicyHash(q);
            if (await db.QuestionnaireRevisions.AnyAsync(r => r.QuestionnaireId == q.Id && r.Version == q.Version && r.PolicyHash == hash, cancellationToken)) continue;
            db.QuestionnaireRevisions.Add(new QuestionnaireRevisionRow { QuestionnaireId = q.Id, Version = q.Version, PolicyHash = hash, FirstSeenAt = clock.GetUtcNow() });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                logger.LogInformation("Questionnaire {Questionnaire} version {Version} with follow-up policy {Policy} recorded", q.Id, q.Version, hash[..Math.Min(12, hash.Length)]);
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear(); // another node recorded it first
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>SHA-256 of the follow_up section as YAML (comments and layout do not count); "none" without one.</summary>
    public static string PolicyHash(QuestionnaireDefinition questionnaire)
    {
        if (questionnaire.SourcePath is not { } path || !File.Exists(path)) return "none";
        var stream = new YamlStream();
        using (var reader = new StreamReader(path, Encoding.UTF8)) stream.Load(reader);
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root
            || !root.Children.TryGetValue(new YamlScalarNode("follow_up"), out var section)) return "none";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(section))));
    }

    private static string Canonical(YamlNode node) => node switch
    {
        YamlScalarNode s => "\"" + s.Value + "\"",
        YamlSequenceNode seq => "[" + string.Join(",", seq.Children.Select(Canonical)) + "]",
        YamlMappingNode map => "{" + string.Join(",", map.Children.OrderBy(p => ((YamlScalarNode)p.Key).Value, StringComparer.Ordinal).Select(p => Canonical(p.Key) + ":" + Canonical(p.Value))) + "}",
        _ => "",
    };
}

/// <summary>A tenant's area tables are read at start: a missing file or a bad row stops ChatSupport with its name, not the first nightly run.</summary>
public sealed class AreaTablesValidation(Microsoft.Extensions.Options.IOptions<QuestionnaireBotOptions> questionnaires) : Microsoft.Extensions.Options.IValidateOptions<Channels.Line.TenantsOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, Channels.Line.TenantsOptions options)
    {
        var problems = new List<string>();
        foreach (var (id, tenant) in options)
        {
            try
            {
                ReportAreaTables.Load(id, tenant.Reports, questionnaires.Value.Path);
            }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
            {
                problems.Add($"Tenants:{id}:Reports: {e.Message}");
            }
        }
        return problems.Count > 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problems) : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
    }
}

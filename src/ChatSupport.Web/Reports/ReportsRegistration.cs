using ChatSupport.Persistence;
using ChatSupport.Questionnaires;
using ChatSupport.Web.Hosting;
using Microsoft.EntityFrameworkCore;

namespace ChatSupport.Web.Reports;

public static class ReportsRegistration
{
    public static IServiceCollection AddReports(this IServiceCollection services)
    {
        services.AddSingleton<ReportTenants>();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ChatSupport.Tenants.TenantsOptions>, AreaTablesValidation>();
        services.AddTransient<AggregateDailyJob>();
        services.AddHostedService<QuestionnaireRevisions>();
        return services;
    }
}

/// <summary>A tenant's area tables are read at start: a missing file or a bad row stops ChatSupport with its name, not the first nightly run.</summary>
public sealed class AreaTablesValidation(Microsoft.Extensions.Options.IOptions<QuestionnaireBotOptions> questionnaires) : Microsoft.Extensions.Options.IValidateOptions<ChatSupport.Tenants.TenantsOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, ChatSupport.Tenants.TenantsOptions options)
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

using ChatSupport.Channels.Line;
using ChatSupport.Persistence;
using ChatSupport.Questionnaires;
using ChatSupport.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ChatSupport.Tenants;

namespace ChatSupport.Web.Questionnaires;

/// <summary>Questionnaires as versions in the database: the library (the running catalog), publishing, the listener, the seed import.</summary>
public static class QuestionnairesRegistration
{
    public static IServiceCollection AddQuestionnaireVersions(this IServiceCollection services)
    {
        services.AddSingleton<QuestionnaireLibrary>();
        services.AddSingleton<IQuestionnaireVersions>(sp => sp.GetRequiredService<QuestionnaireLibrary>());
        // The catalog of the moment: whoever asks gets the one published now (a turn keeps the one it started with).
        services.AddTransient(sp => sp.GetRequiredService<QuestionnaireLibrary>().Current);
        services.AddSingleton<QuestionnairePublishing>();
        services.AddSingleton<QuestionnairePreviews>();
        services.AddHostedService<PreviewExpiry>(); // expired previews go, with their conversations
        services.AddHostedService<QuestionnaireChangeListener>();
        // Tenants:{id}:Questionnaires is the list of offered ids; its RequireSecondPerson key is a setting, not an id.
        services.AddOptions<TenantsOptions>().PostConfigure<IConfiguration>((tenants, configuration) =>
        {
            foreach (var (id, tenant) in tenants)
                if (tenant.Questionnaires is not null)
                    tenant.Questionnaires = [.. configuration.GetSection($"{TenantsOptions.SectionName}:{id}:Questionnaires").GetChildren()
                        .Where(c => int.TryParse(c.Key, out _) && c.Value is not null).OrderBy(c => int.Parse(c.Key, System.Globalization.CultureInfo.InvariantCulture)).Select(c => c.Value!)];
        });
        return services;
    }

    /// <summary>
    /// After the migrations: imports <c>dialogs/</c> (see <see cref="QuestionnaireSeed"/>), loads the published versions,
    /// then checks that the configured default and offered questionnaires are among them.
    /// </summary>
    public static async Task LoadQuestionnairesAsync(this WebApplication app)
    {
        var library = app.Services.GetRequiredService<QuestionnaireLibrary>();
        await QuestionnaireSeed.ImportAsync(app.Services.GetRequiredService<IDbContextFactory<ChatSupportDbContext>>(),
            library.BaseDirectory, app.Services.GetRequiredService<TimeProvider>(), app.Logger, CancellationToken.None);
        await library.RefreshAsync(CancellationToken.None);
        app.Services.GetRequiredService<StartupChecks>().CheckQuestionnaires();
    }
}

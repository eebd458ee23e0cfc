using ChatSupport.Persistence.Reports;
using ChatSupport.Web.Reports;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ChatSupport.Web.Impact;

public static class ImpactRegistration
{
    /// <summary>The impact report (<see cref="ImpactReport"/>) and what it reads with; needs the database registered.</summary>
    public static IServiceCollection AddImpactReport(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ReportTenants>();
        services.TryAddSingleton<ImpactResponseStore>();
        services.TryAddSingleton<ImpactReport>();
        return services;
    }
}

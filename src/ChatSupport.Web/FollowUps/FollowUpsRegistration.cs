using ChatSupport.Web.Alerts;

namespace ChatSupport.Web.FollowUps;

public static class FollowUpsRegistration
{
    /// <summary>The follow-up jobs, the message budget and the alert webhook's HTTP client (with retries and timeouts).</summary>
    public static IServiceCollection AddFollowUps(this IServiceCollection services)
    {
        services.AddSingleton<MessageBudget>();
        services.AddTransient<PlanFollowUpsJob>();
        services.AddTransient<DispatchFollowUpsJob>();
        services.AddTransient<ChaseFollowUpsJob>();
        services.AddTransient<PostStaffAlertsJob>();
        services.AddHttpClient(PostStaffAlertsJob.HttpClientName).AddStandardResilienceHandler();
        return services;
    }
}

using ChatSupport.Channels.Line;
using Microsoft.Extensions.Options;
using ChatSupport.Tenants;

namespace ChatSupport.Web.Line;

public static class LineRegistration
{
    /// <summary>Tenants, the LINE client, the webhook's inbox and its processor.</summary>
    public static IServiceCollection AddLineChannel(this IServiceCollection services)
    {
        services.AddOptions<TenantsOptions>().BindConfiguration(TenantsOptions.SectionName);
        services.AddSingleton<IValidateOptions<TenantsOptions>, TenantsValidation>();
        services.AddOptions<TenantsOptions>().ValidateOnStart();
        services.AddOptions<LineClientOptions>().BindConfiguration(LineClientOptions.SectionName)
            .Validate(o => o.MaxRetries is >= 1 and <= 10 && o.Timeout > TimeSpan.Zero && o.ReplyTokenLifetime is { TotalSeconds: > 0 and < 60 },
                "Line: MaxRetries 1-10, a positive Timeout and a ReplyTokenLifetime under one minute.")
            .ValidateOnStart();
        services.AddOptions<LineInboxOptions>().BindConfiguration(LineInboxOptions.SectionName)
            .Validate(o => o.MaxConversationsAtOnce is >= 1 and <= 256 && o.MaxAttempts >= 1 && o.ReorderWindow >= TimeSpan.Zero,
                "LineInbox: MaxConversationsAtOnce 1-256, MaxAttempts at least 1, ReorderWindow not negative.")
            .ValidateOnStart();
        services.AddLineClient();
        services.AddSingleton<LineInboxSignal>();
        services.AddSingleton<LineSender>();
        services.AddHostedService<LineInboxProcessor>();
        return services;
    }

    private sealed class TenantsValidation : IValidateOptions<TenantsOptions>
    {
        public ValidateOptionsResult Validate(string? name, TenantsOptions options) =>
            options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}

using ChatSupport.Channels;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ChatSupport.Channels.Line;
using ChatSupport.Persistence;
using ChatSupport.Web.Hosting;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ChatSupport.Tenants;

namespace ChatSupport.Web.Alerts;

/// <summary>
/// Posts pending staff alerts to the tenant's outgoing webhook (the health centre's own system), each as JSON signed
/// with HMAC-SHA256 of the body in <c>X-ChatSupport-Signature: sha256=…</c>. Pseudonymous ids only. A failed post is
/// tried again on later runs, and given up after <see cref="MaxAttempts"/>; alerts of tenants without a webhook are
/// marked none. Runs every minute (the alert itself is stored and listed at once, in the turn that raised it).
/// </summary>
public sealed class PostStaffAlertsJob(IDbContextFactory<ChatSupportDbContext> contexts, IOptionsMonitor<TenantsOptions> tenants, IHttpClientFactory http, ILogger<PostStaffAlertsJob> logger)
{
    public const string HttpClientName = "alert-webhook";
    public const int MaxAttempts = 10;
    public const string SignatureHeader = "X-ChatSupport-Signature";

    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(60)]
    public async Task<int> RunAsync(CancellationToken ct)
    {
        await using var db = contexts.CreateDbContext();
        var pending = await db.StaffAlerts.Where(a => a.WebhookStatus == "pending").OrderBy(a => a.Id).Take(200).ToListAsync(ct);
        var posted = 0;
        foreach (var alert in pending)
        {
            var hook = alert.TenantId is { } t ? tenants.CurrentValue.GetValueOrDefault(t)?.FollowUps : null;
            if (hook?.AlertWebhookUrl is not { Length: > 0 } url)
            {
                alert.WebhookStatus = "none";
                continue;
            }
            var body = JsonSerializer.SerializeToUtf8Bytes(new
            {
                id = alert.Id, tenant = alert.TenantId, resident = alert.ResidentId, questionnaire = alert.QuestionnaireId,
                kind = alert.Kind, rule = alert.Rule, raisedAt = alert.RaisedAt,
            }, JsonSerializerOptions.Web);
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Headers.Add(SignatureHeader, "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(hook.AlertWebhookSecret ?? ""), body)));
            request.Headers.Add("Idempotency-Key", alert.Key);
            string? error;
            Exception? failure = null;
            try
            {
                using var response = await http.CreateClient(HttpClientName).SendAsync(request, ct);
                error = response.IsSuccessStatusCode ? null : $"{(int)response.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException or Polly.ExecutionRejectedException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                (error, failure) = (e.GetType().Name, e);
            }
            alert.WebhookAttempts++;
            alert.WebhookError = error;
            alert.WebhookStatus = error is null ? "sent" : alert.WebhookAttempts >= MaxAttempts ? "failed" : "pending";
            if (error is null) posted++;
            else if (failure is not null) logger.LogScrubbed(LogLevel.Warning, failure, "Staff alert {Alert} could not be posted to the webhook (attempt {Attempt})", alert.Id, alert.WebhookAttempts);
            else logger.LogWarning("Staff alert {Alert} could not be posted to the webhook ({Error}, attempt {Attempt})", alert.Id, error, alert.WebhookAttempts);
        }
        await db.SaveChangesAsync(ct);
        return posted;
    }
}

using ChatSupport.Channels.BotFramework;
using ChatSupport.Web.Access;
using ChatSupport.Web.Admin;
using ChatSupport.Web.Alerts;
using ChatSupport.Web.FollowUps;
using ChatSupport.Web.Health;
using ChatSupport.Web.Hosting;
using ChatSupport.Web.Jobs;
using ChatSupport.Web.Line;
using ChatSupport.Web.Questionnaires;
using ChatSupport.Web.Reports;

var builder = WebApplication.CreateBuilder(args);
builder.AddChatSupport();
builder.Services.AddHostedService<ReadyLog>(); // "ChatSupport is ready: open http://localhost:5080/" once it listens

var app = builder.Build();
await app.MigrateDatabaseAsync();

app.UseForwardedHeaders();
app.UseExceptionHandler();
app.UseSecurityHeaders();
app.UseRequestSizeLimit();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();

app.MapHealthApi();
if (HostRoles.RunsWeb(app.Configuration))
{
    // Open: the channel endpoints (their own checks), the chat page and its list. Everything else needs a key.
    app.MapOpenApi().RequireAuthorization(Roles.Staff);
    app.MapBotFrameworkApi();
    app.MapLineWebhook();
    app.MapQuestionnaireListApi();
    app.MapResidentsAdminApi();
    app.MapStaffAlertsApi();
    app.MapFollowUpsApi();
    app.MapReportsApi();
    app.MapQuestionnairesApi();
    app.MapJobsDashboard();
}

app.Run();

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;

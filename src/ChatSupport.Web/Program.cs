using ChatSupport.Channels.BotFramework;
using ChatSupport.Web.Access;
using ChatSupport.Web.Admin;
using ChatSupport.Web.Health;
using ChatSupport.Web.Hosting;
using ChatSupport.Web.Line;

var builder = WebApplication.CreateBuilder(args);
builder.AddChatSupport();

var app = builder.Build();
await app.MigrateDatabaseAsync();

app.UseRequestSizeLimit();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();

// Open: the channel endpoint (its own policy), the chat page and its list, health. Everything else needs a key.
app.MapOpenApi().RequireAuthorization(Roles.Staff);
app.MapHealthApi();
app.MapBotFrameworkApi();
app.MapLineWebhook();
app.MapQuestionnaireListApi();
app.MapResidentsAdminApi();

app.Run();

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;

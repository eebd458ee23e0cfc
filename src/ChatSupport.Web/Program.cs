using ChatSupport.Channels.BotFramework;
using ChatSupport.Web.Health;
using ChatSupport.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddChatSupport();

var app = builder.Build();
await app.MigrateDatabaseAsync();

app.UseRequestSizeLimit();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapOpenApi();
app.MapHealthApi();
app.MapBotFrameworkApi();
app.MapQuestionnaireListApi();

app.Run();

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;

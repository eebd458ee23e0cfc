using System.Reflection;
using System.Text.Json;
using ChatSupport.Questionnaires;
using Microsoft.Extensions.Configuration;

namespace ChatSupport.UnitTests.Solution;

public sealed class ArchitectureTests
{
    private static IEnumerable<string> References(Assembly a) => a.GetReferencedAssemblies().Select(r => r.Name!);

    [Fact]
    public void Core_ReferencesNoWebDatabaseOrJobFramework()
    {
        var core = typeof(QuestionnaireBot).Assembly;
        var forbidden = new[] { "Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore", "Npgsql", "Hangfire", "ChatSupport." };
        var bad = References(core).Where(r => forbidden.Any(f => r.StartsWith(f, StringComparison.Ordinal))).ToList();
        Assert.True(bad.Count == 0, "Core references " + string.Join(", ", bad));
        Assert.Contains("YamlDotNet", References(core));
    }

    /// <summary>Core's "may reference" column: the BCL, Microsoft.Extensions.*.Abstractions and YamlDotNet, nothing else.</summary>
    [Fact]
    public void Core_ReferencesOnlyTheBclAbstractionsAndYamlDotNet()
    {
        var others = References(typeof(QuestionnaireBot).Assembly).Where(r => !(r is "System" or "netstandard" or "mscorlib" or "YamlDotNet"
            || r.StartsWith("System.", StringComparison.Ordinal)
            || (r.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) && r.EndsWith(".Abstractions", StringComparison.Ordinal)))).ToList();
        Assert.True(others.Count == 0, "Core references " + string.Join(", ", others));
    }

    [Fact]
    public void Channels_ReferencesCore_NotPersistenceEfCoreOrHangfire()
    {
        var channels = typeof(ChatSupport.Channels.ITurnRunner).Assembly;
        Assert.Equal(["ChatSupport.Core"], References(channels).Where(r => r.StartsWith("ChatSupport", StringComparison.Ordinal)));
        var forbidden = new[] { "Microsoft.EntityFrameworkCore", "Npgsql", "Hangfire", "Dapper" };
        Assert.DoesNotContain(References(channels), r => forbidden.Any(f => r.StartsWith(f, StringComparison.Ordinal)));
    }

    [Fact]
    public void Cli_ReferencesCoreAndNothingOfOurs()
    {
        var cli = typeof(ChatSupport.Cli.Commands).Assembly;
        var ours = References(cli).Where(r => r.StartsWith("ChatSupport", StringComparison.Ordinal)).ToList();
        Assert.Equal(["ChatSupport.Core"], ours);
        Assert.DoesNotContain(References(cli), r => r.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || r.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
    }

    [Fact]
    public void TopLevel_IsExactlyTheAgreedLayout()
    {
        var entries = Directory.EnumerateFileSystemEntries(RepoPaths.Root).Select(p => Path.GetFileName(p)!)
            .Where(n => n is not (".git" or ".gitignore" or ".editorconfig" or "Directory.Build.props" or "Directory.Packages.props" or "TestResults" or "BenchmarkDotNet.Artifacts" or "data"))
            .Order(StringComparer.Ordinal);
        Assert.Equal([".ci", "ChatSupport.sln", "README.md", "appsettings.sample.json", "dialogs", "infra", "src", "tests"], entries);
    }

    [Fact]
    public void SampleSettings_BindAndValidate()
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepoPaths.Root, "appsettings.sample.json")).Build();
        var options = configuration.GetSection(QuestionnaireBotOptions.SectionName).Get<QuestionnaireBotOptions>();
        Assert.NotNull(options);
        Assert.NotNull(Shipped.Catalog.Find(options!.DefaultQuestionnaire));
        Assert.Equal(TimeSpan.FromHours(9), options.TimeZone.BaseUtcOffset);
        // Every section in the sample is one that code reads: no stale settings.
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "appsettings.sample.json")));
        Assert.Equal(["Urls", "Database", "ConnectionStrings", "Residents", "Access", "BotFramework", "ChatSupport", "Jobs", "Retention", "Questionnaires", "Tenants", "Line", "LineInbox"],
            doc.RootElement.EnumerateObject().Select(p => p.Name).Where(n => n != "Logging"));
        // The tenant's shape binds and passes the start-up checks; its secrets are placeholders, never real ones.
        var tenants = configuration.GetSection(ChatSupport.Tenants.TenantsOptions.SectionName).Get<ChatSupport.Tenants.TenantsOptions>()!;
        var kanagawa = Assert.Single(tenants).Value;
        Assert.Empty(tenants.Problems());
        Assert.StartsWith("CHANGE-ME", kanagawa.Line!.ChannelSecret);
        Assert.StartsWith("CHANGE-ME", kanagawa.Line.ChannelAccessToken);
        Assert.StartsWith("CHANGE-ME", kanagawa.FollowUps.AlertWebhookSecret);
        Assert.Equal((TimeSpan.FromHours(1), new TimeOnly(20, 0), ChatSupport.Tenants.OverBudget.Stop),
            (kanagawa.FollowUps.SendingWindow, kanagawa.FollowUps.LatestSendingTime, kanagawa.FollowUps.OverBudget));
        Assert.Equal(TimeSpan.FromSeconds(50), configuration.GetSection("Line").Get<ChatSupport.Channels.Line.LineClientOptions>()!.ReplyTokenLifetime);
        Assert.True(configuration["Residents:PseudonymKey"]!.Length >= 32);
        Assert.Equal(262144, configuration.GetValue<long>("ChatSupport:MaxRequestBodyBytes"));
    }
}

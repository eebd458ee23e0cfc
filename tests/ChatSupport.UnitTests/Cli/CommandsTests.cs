using System.Text.Json;
using ChatSupport.Cli;

namespace ChatSupport.UnitTests.Cli;

public sealed class CommandsTests
{
    private static async Task<(int Code, string Out, string Err)> Run(string input, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var previous = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(RepoPaths.Root);
        try
        {
            var code = await Commands.RunAsync(args, new StringReader(input), output, error);
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
        }
    }

    [Fact]
    public async Task Validate_ShippedDialogs_Passes()
    {
        var (code, output, _) = await Run("", "validate", "dialogs");
        Assert.Equal(0, code);
        Assert.Contains("ok  covid19-selfcheck", output);
        Assert.Contains("ok  covid19-followup", output);
        Assert.Contains("ok  elderly-watch", output);
    }

    [Fact]
    public async Task Validate_BrokenFolder_ListsEveryErrorAndExitsWithOne()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "BrokenQuestionnaires");
        var (code, _, error) = await Run("", "validate", folder);
        Assert.Equal(1, code);
        var files = Directory.GetFiles(folder, "*.yaml").Length;
        Assert.True(error.Split('\n').Count(l => l.Contains(".yaml:", StringComparison.Ordinal)) >= files);
        Assert.Contains("unknown-type.yaml:8:11: questions[q1].type: 'singel' is not allowed", error);
    }

    [Fact]
    public async Task Chat_ShowsNumberedChoices_AndAcceptsTheNumber()
    {
        var (code, output, _) = await Run("1\n3\n", "chat", "dialogs/covid19-selfcheck.yaml");
        Assert.Equal(0, code);
        Assert.Contains("[1] 同意する", output);
        Assert.Contains("[6] 4日以上前から", output);
        Assert.Contains("強いだるさ", output); // "3" chose 1日前から, so the next question came
    }

    [Fact]
    public async Task Chat_InEnglish()
    {
        var (code, output, _) = await Run("I agree\n", "chat", "covid19-selfcheck", "--locale", "en");
        Assert.Equal(0, code);
        Assert.Contains("Do you have a fever of 37.5°C or higher?", output);
    }

    [Fact]
    public async Task Simulate_PrintsTranscriptAndOutcomeAsJson()
    {
        var script = Path.Combine(Path.GetTempPath(), $"answers-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(script, "[同意する, 2日前から, 無し, \"70\", 男性, 無職, 下記いずれも該当なし, ２２０－００１２, いずれも行っていない]");
        var (code, output, _) = await Run("", "simulate", "dialogs/covid19-selfcheck.yaml", "--answers", script);
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var session = json.RootElement.GetProperty("sessions")[0];
        var outcome = session.GetProperty("outcome");
        Assert.Equal("completed", outcome.GetProperty("status").GetString());
        Assert.Equal("consult", outcome.GetProperty("advice")[0].GetString());
        Assert.Equal("2200012", outcome.GetProperty("values").GetProperty("postal_code").GetString());
        Assert.Equal("covid19-followup", outcome.GetProperty("nextFollowUpQuestionnaire").GetString());
        Assert.Equal("resident", session.GetProperty("transcript")[1].GetProperty("from").GetString());
    }

    [Fact]
    public async Task Simulate_ExitsWithOne_WhenAnExpectationFails()
    {
        var script = Path.Combine(Path.GetTempPath(), $"answers-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(script, "say: [同意しない]\nexpect: {status: completed}\n");
        var (code, _, error) = await Run("", "simulate", "covid19-selfcheck", "--answers", script);
        Assert.Equal(1, code);
        Assert.Contains("status: expected completed, got declined", error);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("simulate", "covid19-selfcheck")]
    [InlineData("chat", "no-such-questionnaire")]
    public async Task BadArguments_ExitWithTwoAndUsage(params string[] args)
    {
        var (code, _, error) = await Run("", args);
        Assert.Equal(2, code);
        Assert.Contains("Usage:", error);
    }
}

using System.Text.Json;
using ChatSupport.Cli;

namespace ChatSupport.UnitTests.Cli;

public sealed class CommandsTests
{
    private static async Task<(int Code, string Out, string Err)> Run(string input, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await Commands.RunAsync(args, new StringReader(input), output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Validate_ShippedDialogs_Passes()
    {
        var (code, output, _) = await Run("", "validate", RepoPaths.Dialogs);
        Assert.Equal(0, code);
        Assert.Contains("ok  covid19-selfcheck", output);
        Assert.Contains("ok  covid19-followup", output);
        Assert.Contains("ok  elderly-watch", output);
    }

    [Fact]
    public async Task Validate_OneFileOfAFolder_FindsItsFollowUpBesideIt()
    {
        var (code, output, error) = await Run("", "validate", SelfCheck);
        Assert.True(code == 0, error);
        Assert.Contains("ok  covid19-selfcheck", output);
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
    public async Task Validate_WrongIndentation_SaysSoWithTheLineAndTheField()
    {
        using var temp = new TempDirectory();
        var path = temp.File("indented.yaml", """
            id: indented
            version: "1"
            title: テスト
            consent: {version: "1", text: 同意しますか}
            questions:
              - id: fever
                type: yes_no
               text: 熱はありますか
            """);
        var (code, _, error) = await Run("", "validate", path);
        Assert.Equal(1, code);
        Assert.Contains("indented.yaml:8:4: questions[fever]: wrong indentation: line 8 starts at column 4, but the fields of questions[fever] above start at column 5 ('type' on line 7). Indent it with 4 spaces like them", error);
        Assert.DoesNotContain("did not find expected", error);
    }

    [Fact]
    public async Task Chat_ShowsNumberedChoices_AndAcceptsTheNumber()
    {
        var (code, output, _) = await Run("1\n3\n", "chat", SelfCheck);
        Assert.Equal(0, code);
        Assert.Contains("[1] 同意する", output);
        Assert.Contains("[6] 4日以上前から", output);
        Assert.Contains("強いだるさ", output); // "3" chose 1日前から, so the next question came
    }

    private static readonly string SelfCheck = Path.Combine(RepoPaths.Dialogs, "covid19-selfcheck.yaml");

    /// <summary>The real binary in a child process, from the repository root: an id is looked up in ./dialogs.</summary>
    [Fact]
    public async Task ChatsupportBinary_ChatsInEnglish_ByQuestionnaireId()
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "chatsupport.dll"), "chat", "covid19-selfcheck", "--locale", "en"])
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        await process.StandardInput.WriteLineAsync("I agree");
        await process.StandardInput.WriteLineAsync("2");
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        Assert.Contains("Do you have a fever of 37.5°C or higher?", output);
        Assert.Contains("[2] Since today", output);
        Assert.Contains("Do you feel very tired, or short of breath?", output);
    }

    [Fact]
    public async Task Simulate_PrintsTranscriptAndOutcomeAsJson()
    {
        using var temp = new TempDirectory();
        var script = temp.File("answers.yaml", "[同意する, 2日前から, 無し, \"70\", 男性, 無職, 下記いずれも該当なし, ２２０－００１２, いずれも行っていない]");
        var (code, output, _) = await Run("", "simulate", SelfCheck, "--answers", script);
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
        using var temp = new TempDirectory();
        var script = temp.File("answers.yaml", "say: [同意しない]\nexpect: {status: completed}\n");
        var (code, _, error) = await Run("", "simulate", SelfCheck, "--answers", script);
        Assert.Equal(1, code);
        Assert.Contains("status: expected completed, got declined", error);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("simulate", "covid19-selfcheck")]
    [InlineData("chat", "no-such-questionnaire")]
    [InlineData("chat")]
    [InlineData("validate", "--strict")]
    public async Task BadArguments_ExitWithTwoAndUsage(params string[] args)
    {
        var (code, _, error) = await Run("", args);
        Assert.Equal(2, code);
        Assert.Contains("Usage:", error);
    }
}

using ChatSupport.Cli.Simulation;

namespace ChatSupport.UnitTests.Questionnaires;

/// <summary>
/// Conversation scripts under Transcripts/ (the <c>chatsupport simulate</c> format, with expectations), run against
/// the shipped questionnaires. Adding a scenario needs a YAML file, no C#.
/// </summary>
public sealed class TranscriptTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Transcripts");

    public static TheoryData<string> Files() => RepoPaths.YamlFilesIn("Transcripts");

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Transcript_ProducesTheExpectedOutcome(string file)
    {
        var script = SimulationScript.Load(Path.Combine(Folder, file));
        Assert.NotNull(script.Questionnaire);
        Assert.All(script.Sessions, s => Assert.NotNull(s.Expect));
        var result = await ScriptRunner.RunAsync(Shipped.Catalog, script.Questionnaire!, script, null);
        var failures = result.Sessions.SelectMany((s, i) => s.Failures.Select(f => $"session {i + 1} ({s.Date:yyyy-MM-dd}): {f}")).ToList();
        Assert.True(failures.Count == 0, string.Join('\n', failures) + "\n\nTranscript:\n" + string.Join('\n',
            result.Sessions.SelectMany(s => s.Transcript).Select(t => $"{t.From}> {t.Text}{(t.Buttons is null ? "" : " [" + string.Join(" | ", t.Buttons) + "]")}")));
    }
}

using ChatSupport.Questionnaires;
using ChatSupport.Questionnaires.Loading;

namespace ChatSupport.UnitTests.Questionnaires;

/// <summary>
/// Issue 14: a version kept in the database is YAML text, and must load and validate exactly as the same file does:
/// side files (areas) beside the questionnaires folder, the same errors at the same places, named by the version.
/// </summary>
public sealed class QuestionnaireSourceTests
{
    private static readonly string Broken = Path.Combine(AppContext.BaseDirectory, "BrokenQuestionnaires");

    private static QuestionnaireSource Source(string folder, string file, int revision) =>
        new(Path.GetFileNameWithoutExtension(file), $"{Path.GetFileNameWithoutExtension(file)}@v{revision}", File.ReadAllText(Path.Combine(folder, file)), folder, revision);

    [Fact]
    public void TheShippedQuestionnaires_LoadFromText_AsFromTheirFiles_WithTheirAreaTables()
    {
        var files = Directory.EnumerateFiles(RepoPaths.Dialogs, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var fromText = QuestionnaireCatalog.FromSources(files.Select(f => Source(RepoPaths.Dialogs, f!, 7)));

        Assert.Equal(Shipped.Catalog.All.Select(d => d.Id).Order(), fromText.All.Select(d => d.Id).Order());
        foreach (var file in Shipped.Catalog.All)
        {
            var text = fromText.Get(file.Id);
            Assert.Equal((file.Version, file.Questions.Count, file.Advice.Count, file.Areas is null), (text.Version, text.Questions.Count, text.Advice.Count, text.Areas is null));
            Assert.Equal(7, text.Revision);
            Assert.Null(file.Revision);
            Assert.Equal($"{file.Version}@7", QuestionnaireDialog.PinOf(text));
        }
        Assert.NotNull(fromText.Get("covid19-selfcheck").Areas);
    }

    private static bool IsUtf8(byte[] bytes)
    {
        try
        {
            _ = new System.Text.UTF8Encoding(false, true).GetString(bytes);
            return true;
        }
        catch (System.Text.DecoderFallbackException)
        {
            return false;
        }
    }

    public static TheoryData<string> BrokenFiles() => RepoPaths.YamlFilesIn("BrokenQuestionnaires");

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void ABrokenQuestionnaire_GivesTheSameErrorsFromText_NamedByTheVersion(string file)
    {
        var fromFile = Assert.Throws<QuestionnaireLoadException>(() => QuestionnaireCatalog.Load(Path.Combine(Broken, file))).Errors;
        var bytes = File.ReadAllBytes(Path.Combine(Broken, file));
        if (!IsUtf8(bytes))
        {
            // Text that is not UTF-8 never becomes a version: the API refuses the body (400) and the seed skips the file.
            Assert.Contains(fromFile, e => e.Field == "(file)" && e.Message.Contains("UTF-8", StringComparison.Ordinal));
            return;
        }
        var fromText = Assert.Throws<QuestionnaireLoadException>(() => QuestionnaireCatalog.FromSources([Source(Broken, file, 3)], _ => false)).Errors;

        // Only the wording of the cross-file checks differs: a file is named by its file name, a version by its id.
        static bool Comparable(LoadError e) => !(e.Field == "id" && e.Message.Contains("must be", StringComparison.Ordinal)) && !e.Message.StartsWith("no questionnaire '", StringComparison.Ordinal);
        Assert.Equal(fromFile.Where(Comparable).Select(e => (e.Line, e.Column, e.Field, e.Message)), fromText.Where(Comparable).Select(e => (e.Line, e.Column, e.Field, e.Message)));
        Assert.All(fromText, e => Assert.Equal($"{Path.GetFileNameWithoutExtension(file)}@v3", e.File));
    }
}

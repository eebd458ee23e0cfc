namespace ChatSupport.UnitTests;

/// <summary>Finds files of the repository from the test's output folder.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Dialogs => Path.Combine(Root, "dialogs");

    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>The YAML files of a folder copied next to the tests (Transcripts, BrokenQuestionnaires), for a theory.</summary>
    public static TheoryData<string> YamlFilesIn(string folder) =>
        [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, folder), "*.yaml").Select(f => Path.GetFileName(f)).Order()];

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ChatSupport.sln"))) return dir.FullName;
        throw new InvalidOperationException("ChatSupport.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>The shipped questionnaires, loaded once for all tests.</summary>
internal static class Shipped
{
    private static readonly Lazy<ChatSupport.Questionnaires.QuestionnaireCatalog> Lazy = new(() => global::ChatSupport.Questionnaires.QuestionnaireCatalog.Load(RepoPaths.Dialogs));
    public static global::ChatSupport.Questionnaires.QuestionnaireCatalog Catalog => Lazy.Value;
}

using ChatSupport.Questionnaires;
using ChatSupport.Questionnaires.Loading;

namespace ChatSupport.UnitTests.Questionnaires;

/// <summary>
/// Each file in BrokenQuestionnaires/ starts with <c># expect: LINE:COLUMN: FIELD: MESSAGE</c>: loading it must fail
/// with an error at that place, naming that field, whose message starts with that text.
/// </summary>
public sealed class BrokenQuestionnaireTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "BrokenQuestionnaires");

    public static TheoryData<string> Files() => RepoPaths.YamlFilesIn("BrokenQuestionnaires");

    [Theory]
    [MemberData(nameof(Files))]
    public void BrokenFile_FailsWithAnErrorNamingFileLineAndField(string file)
    {
        var path = Path.Combine(Folder, file);
        var expect = File.ReadLines(path).First();
        Assert.StartsWith("# expect: ", expect);
        var parts = expect["# expect: ".Length..].Split(": ", 3);
        var (place, field, message) = (parts[0], parts[1], parts[2]);

        var e = Assert.Throws<QuestionnaireLoadException>(() => QuestionnaireCatalog.Load(path));
        var match = e.Errors.FirstOrDefault(err => $"{err.Line}:{err.Column}" == place && err.Field == field);
        Assert.True(match is not null, $"No error at {place} in {field}. Errors:\n{string.Join('\n', e.Errors)}");
        Assert.StartsWith(message, match!.Message);
        Assert.EndsWith(file, match.File);
        Assert.StartsWith($"{match.File}:{place}: {field}: ", match.ToString());
    }

    [Fact]
    public void AllErrorsOfAFile_AreReportedAtOnce()
    {
        using var temp = new TempDirectory();
        var path = temp.File("many-errors.yaml", """
            id: many-errors
            version: "1"
            title: テスト
            consent: {version: "1", text: 同意しますか}
            questions:
              - {id: a, type: singel, text: 一}
              - {id: b, type: yes_no, text: 二, when: "zzz"}
              - {id: c, type: integer, text: 三, max_length: 3}
            """);
        var e = Assert.Throws<QuestionnaireLoadException>(() => QuestionnaireCatalog.Load(path));
        Assert.Equal(["questions[a].type", "questions[b].when", "questions[c].max_length"], e.Errors.Select(x => x.Field).Order());
    }

    [Fact]
    public void UnknownField_SuggestsTheNearestAllowedField_OnlyWhenOneIsNear()
    {
        using var temp = new TempDirectory();
        var path = temp.File("typos.yaml", """
            id: typos
            version: "1"
            title: テスト
            consent: {verison: "1", text: 同意しますか}
            questions:
              - {id: a, type: yes_no, text: 一, colour: red}
            """);
        var e = Assert.Throws<QuestionnaireLoadException>(() => QuestionnaireCatalog.Load(path));
        Assert.StartsWith("unknown field 'verison'. Did you mean 'version'? Allowed here: id, version, text", Assert.Single(e.Errors, x => x.Field == "consent.verison").Message);
        Assert.StartsWith("unknown field 'colour'. Allowed here: id, type,", Assert.Single(e.Errors, x => x.Field == "questions[a].colour").Message);
    }
}

using ChatSupport.Questionnaires;
using ChatSupport.Questionnaires.Loading;

namespace ChatSupport.UnitTests.Questionnaires;

/// <summary><c>consent: {use: name}</c>: one consent text in <c>consent/name.yaml</c>, shared by every questionnaire that names it.</summary>
public sealed class SharedConsentTests
{
    private const string CityConsent = """
        id: city-services
        text:
          ja: 市のサービスとして、体調を伺います。よろしければ「同意する」を押してください。
          en: The city asks about your health. If you agree, tap "I agree".
        accept: {ja: 同意する, en: I agree}
        """;

    private static string Questionnaire(string id, string consent = "{use: city}", string locales = "[ja, en]") => $$$"""
        id: {{{id}}}
        version: "1"
        locales: {{{locales}}}
        title: {ja: テスト, en: Test}
        consent: {{{consent}}}
        questions:
          - {id: q, type: yes_no, text: {ja: 元気ですか, en: Are you well?}}
        """;

    private static TempDirectory Folder(string consent = CityConsent, params (string Id, string Consent)[] questionnaires)
    {
        var temp = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(temp.Path, "consent"));
        temp.File("consent/city.yaml", consent);
        foreach (var (id, use) in questionnaires.DefaultIfEmpty(("watch", "{use: city}")))
            temp.File(id + ".yaml", Questionnaire(id, use));
        return temp;
    }

    private static QuestionnaireLoadException LoadFails(TempDirectory temp) =>
        Assert.Throws<QuestionnaireLoadException>(() => QuestionnaireCatalog.Load(temp.Path));

    [Fact]
    public void TwoQuestionnaires_UsingOneConsent_ShareItsIdVersionAndText()
    {
        using var temp = Folder(CityConsent, ("watch", "{use: city}"), ("check", "{use: city}"));
        var catalog = QuestionnaireCatalog.Load(temp.Path);
        var (watch, check) = (catalog.Get("watch").Consent!, catalog.Get("check").Consent!);
        Assert.Equal(("city-services", watch.Version), (check.Key, check.Version));
        Assert.Equal("city-services", watch.Key);
        Assert.StartsWith("市のサービスとして", watch.Text.Get("ja"));
        Assert.Equal("I agree", check.Accept.Get("en"));
        Assert.Equal("I do not agree", check.Decline.Get("en")); // the defaults, as for a consent written in place
    }

    [Fact]
    public void SharedConsent_WithoutAnId_IsKeptUnderItsFileName()
    {
        using var temp = Folder(CityConsent.Replace("id: city-services\n", "", StringComparison.Ordinal));
        Assert.Equal("city", QuestionnaireCatalog.Load(temp.Path).Get("watch").Consent!.Key);
    }

    [Fact]
    public void EditingTheSharedText_ChangesTheVersion_SoResidentsAreAskedAgain_ButNotAButtonLabel()
    {
        using var temp = Folder();
        var before = QuestionnaireCatalog.Load(temp.Path).Get("watch").Consent!.Version;
        Assert.True(before.Length <= 32, "the version is stored in residents.consent_version (32 characters)");

        temp.File("consent/city.yaml", CityConsent.Replace("I agree\"", "I agree.\"", StringComparison.Ordinal));
        var edited = QuestionnaireCatalog.Load(temp.Path).Get("watch").Consent!.Version;
        Assert.NotEqual(before, edited);

        temp.File("consent/city.yaml", CityConsent.Replace("en: I agree}", "en: Yes I agree}", StringComparison.Ordinal));
        Assert.Equal(before, QuestionnaireCatalog.Load(temp.Path).Get("watch").Consent!.Version);
    }

    [Fact]
    public void AWrittenVersion_IsKeptAsWritten_WhateverTheText()
    {
        using var temp = Folder(CityConsent.Replace("text:", "version: \"2020-04\"\ntext:", StringComparison.Ordinal));
        Assert.Equal("2020-04", QuestionnaireCatalog.Load(temp.Path).Get("watch").Consent!.Version);
        temp.File("consent/city.yaml", CityConsent.Replace("text:", "version: \"2020-04\"\ntext:", StringComparison.Ordinal).Replace("I agree\"", "I agree.\"", StringComparison.Ordinal));
        Assert.Equal("2020-04", QuestionnaireCatalog.Load(temp.Path).Get("watch").Consent!.Version); // its authors change it when the words change
    }

    [Fact]
    public void ShippedCovidConsent_KeepsTheVersionResidentsAccepted_BeforeItWasShared()
    {
        // The self-check's consent was version "1" in the questionnaire; the shared file has the same words, so residents
        // who accepted it then are not asked again.
        Assert.Equal("1", Shipped.Catalog.Get("covid19-selfcheck").Consent!.Version);
        Assert.Equal("1", Shipped.Catalog.Get("covid19-followup").Consent!.Version);
    }

    [Fact]
    public void ShippedCovidQuestionnaires_ShareOneConsentFile()
    {
        var (selfCheck, followUp) = (Shipped.Catalog.Get("covid19-selfcheck").Consent!, Shipped.Catalog.Get("covid19-followup").Consent!);
        Assert.Equal((selfCheck.Key, selfCheck.Version), (followUp.Key, followUp.Version));
        Assert.Equal("covid19-selfcheck", selfCheck.Key);
        Assert.Contains("{use: covid19}", File.ReadAllText(Path.Combine(RepoPaths.Dialogs, "covid19-followup.yaml")), StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownConsent_IsReportedAtUse_NamingTheFileLookedFor()
    {
        using var temp = Folder(CityConsent, ("watch", "{use: ctiy}"));
        var error = Assert.Single(LoadFails(temp).Errors);
        Assert.Equal(("watch.yaml", 5, "consent.use"), (Path.GetFileName(error.File), error.Line, error.Field));
        Assert.StartsWith("no shared consent 'ctiy': there is no file consent/ctiy.yaml beside this questionnaire. Did you mean 'city'?", error.Message);
    }

    [Theory]
    [InlineData("../city")]
    [InlineData("/etc/passwd")]
    [InlineData("City")]
    public void ConsentName_ThatIsNotAPlainName_IsRefused_AndNoFileIsRead(string name)
    {
        using var temp = Folder(CityConsent, ("watch", $"{{use: \"{name}\"}}"));
        var error = Assert.Single(LoadFails(temp).Errors);
        Assert.Equal("consent.use", error.Field);
        Assert.StartsWith($"'{name}' is not a consent name", error.Message);
    }

    [Fact]
    public void UseWithOtherConsentFields_IsAnError()
    {
        using var temp = Folder(CityConsent, ("watch", "{use: city, version: \"2\"}"));
        var error = Assert.Single(LoadFails(temp).Errors);
        Assert.Equal("consent.version", error.Field);
        Assert.StartsWith("with 'use', the consent comes from consent/city.yaml", error.Message);
    }

    [Fact]
    public void MistakesInTheConsentFile_NameThatFile_ItsLineAndField()
    {
        using var temp = Folder(CityConsent.Replace("accept:", "version: \"" + new string('9', 33) + "\"\naccpet:", StringComparison.Ordinal));
        var errors = LoadFails(temp).Errors;
        Assert.All(errors, e => Assert.Equal(Path.Combine("consent", "city.yaml"), Path.GetRelativePath(temp.Path, Path.GetFullPath(e.File))));
        var version = Assert.Single(errors, e => e.Field == "version");
        Assert.Equal(5, version.Line);
        Assert.StartsWith("is longer than 32 characters", version.Message);
        Assert.StartsWith("unknown field 'accpet'. Did you mean 'accept'?", Assert.Single(errors, e => e.Field == "accpet").Message);
    }

    [Fact]
    public void BadYamlInTheConsentFile_IsReportedInThatFile()
    {
        using var temp = Folder(CityConsent.Replace("  en: The", " en: The", StringComparison.Ordinal));
        var error = Assert.Single(LoadFails(temp).Errors);
        Assert.EndsWith(Path.Combine("consent", "city.yaml"), error.File);
        Assert.Equal((4, "text"), (error.Line, error.Field));
        Assert.StartsWith("wrong indentation", error.Message);
    }

    [Fact]
    public void ConsentWithoutALocaleOfTheQuestionnaire_IsReportedAtUse()
    {
        using var temp = Folder("text: 市のサービスとして、体調を伺います。よろしければ「同意する」を押してください。\n");
        var error = Assert.Single(LoadFails(temp).Errors);
        Assert.Equal(("consent.use", 5), (error.Field, error.Line));
        Assert.StartsWith("consent/city.yaml has no en text, and this questionnaire is in ja, en", error.Message);
    }

    [Fact]
    public void JapaneseOnlyQuestionnaire_MayUseAConsentThatAlsoHasEnglish()
    {
        using var temp = Folder();
        temp.File("watch.yaml", Questionnaire("watch", locales: "[ja]").Replace("{ja: テスト, en: Test}", "テスト", StringComparison.Ordinal)
            .Replace("{ja: 元気ですか, en: Are you well?}", "元気ですか", StringComparison.Ordinal));
        var consent = QuestionnaireCatalog.Load(temp.Path).Get("watch").Consent!;
        Assert.Equal(["ja"], consent.Text.ByLocale.Keys);
    }

    [Fact]
    public async Task Validate_ListsAMistakeOfASharedConsentOnce_ThoughTwoQuestionnairesUseIt()
    {
        using var temp = Folder(CityConsent.Replace("accept:", "accpet:", StringComparison.Ordinal), ("watch", "{use: city}"), ("check", "{use: city}"));
        var error = new StringWriter();
        Assert.Equal(1, await ChatSupport.Cli.Commands.RunAsync(["validate", temp.Path], TextReader.Null, TextWriter.Null, error));
        Assert.Single(error.ToString().Split('\n'), l => l.Contains("accpet", StringComparison.Ordinal));
        Assert.Contains("1 error.", error.ToString());
    }
}

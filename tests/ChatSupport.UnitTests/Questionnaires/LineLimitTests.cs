using ChatSupport.Dialogs.Prompts;
using ChatSupport.Questionnaires;
using ChatSupport.Questionnaires.Loading;

namespace ChatSupport.UnitTests.Questionnaires;

public sealed class LineLimitTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string, string, string> ShippedQuestions()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var q in Shipped.Catalog.All)
            foreach (var question in q.Questions.Where(x => x.HasAnswer))
                foreach (var locale in q.Locales)
                    data.Add(q.Id, question.Id, locale);
        return data;
    }

    [Theory]
    [MemberData(nameof(ShippedQuestions))]
    public void EveryRenderedPrompt_FitsLineQuickReplies(string questionnaire, string question, string locale)
    {
        var q = Shipped.Catalog.Get(questionnaire).FindQuestion(question)!;
        foreach (var previous in new[] { null, "前回の値" })
        {
            var options = QuestionRenderer.Render(q, locale, q.Profile ? previous : null);
            foreach (var activity in new[] { options.Prompt!, options.RetryPrompt! })
            {
                var buttons = activity.SuggestedActions?.Actions ?? [];
                Assert.True(buttons.Count <= RuleReader.MaxButtons, $"{buttons.Count} buttons");
                Assert.All(buttons, b => Assert.True(b.Title!.Length <= RuleReader.MaxButtonLabel, $"'{b.Title}' is longer than 20"));
                Assert.True((activity.Text ?? "").Length <= 5000);
            }
        }
    }

    private QuestionnaireDefinition LoadInline(string yaml) =>
        QuestionnaireCatalog.Load(_folder.File("inline.yaml", yaml)).Get("inline");

    [Fact]
    public void ChoicesThatDoNotFit_GetANumberedList_WhenNoRenderingIsDeclared()
    {
        var options = string.Join(", ", Enumerable.Range(1, 14).Select(i => $"{{id: o{i}, label: 選択肢{i}}}"));
        var q = LoadInline($"id: inline\nversion: \"1\"\ntitle: t\nconsent: {{version: \"1\", text: 同意しますか}}\nquestions:\n  - {{id: q, type: single, text: どれ, options: [{options}]}}\n").Questions[0];
        Assert.Equal(ChoiceRendering.List, q.Rendering);
        var prompt = QuestionRenderer.Render(q, "ja", null);
        Assert.Equal(ListStyle.List, prompt.Style);
        Assert.Contains("\n14. 選択肢14", prompt.Prompt!.Text);
        Assert.Null(prompt.Prompt.SuggestedActions);
        Assert.Equal(12, ChoiceRecognizer.Recognize("13", prompt.Choices!, byNumber: true));
        Assert.Null(ChoiceRecognizer.Recognize("13", prompt.Choices!, byNumber: false));
    }

    [Fact]
    public void ShortLabels_AreUsedOnButtons_AndTheFullLabelIsWhatTheButtonSends()
    {
        var q = Shipped.Catalog.Get("covid19-selfcheck").FindQuestion("behaviours")!;
        var prompt = QuestionRenderer.Render(q, "ja", null).Prompt!;
        var first = prompt.SuggestedActions!.Actions[0];
        Assert.Equal("石けんで手洗い", first.Title);
        Assert.Equal("石けんによる手洗い（1日複数回）", first.Value!.Value.GetString());
        Assert.Equal("回答終了", prompt.SuggestedActions.Actions[^1].Title);
    }
}

using ChatSupport.Dialogs.Prompts;
using ChatSupport.Questionnaires;
using YamlDotNet.RepresentationModel;

namespace ChatSupport.UnitTests.Questionnaires;

/// <summary>English texts use ASCII punctuation: 「Your answers：」 read as a typo to English readers (issue 13, point 15).</summary>
public sealed class EnglishPunctuationTests
{
    /// <summary>Full-width and Japanese punctuation, brackets and spaces.</summary>
    private const string FullWidth = "：、。，．（）「」『』【】！？；　〜・";

    private static IEnumerable<string> Offending(IEnumerable<(string Where, string Text)> texts) =>
        texts.Where(t => t.Text.Any(c => FullWidth.Contains(c, StringComparison.Ordinal))).Select(t => $"{t.Where}: {t.Text}");

    [Fact]
    public void TheEnginesEnglishTexts_HaveNoFullWidthPunctuation()
    {
        static IEnumerable<(string, string)> Strings(object texts) => texts.GetType().GetProperties()
            .Where(p => p.PropertyType == typeof(string)).Select(p => (p.Name, (string)p.GetValue(texts)!));
        Assert.Empty(Offending(Strings(EngineTexts.English).Concat(Strings(PromptTexts.English))));
        Assert.Empty(Offending(PromptTexts.English.DoneInputs.Select(d => ("DoneInputs", d))));
    }

    [Fact]
    public void TheShippedQuestionnairesEnglishTexts_HaveNoFullWidthPunctuation()
    {
        var texts = new List<(string, string)>();
        void Walk(YamlNode node, string path)
        {
            switch (node)
            {
                case YamlMappingNode map:
                    foreach (var (key, value) in map.Children)
                    {
                        var name = ((YamlScalarNode)key).Value!;
                        if (name == "en" && value is YamlScalarNode { Value: { } en }) texts.Add((path + ".en", en));
                        else Walk(value, path + "." + name);
                    }
                    break;
                case YamlSequenceNode list:
                    for (var i = 0; i < list.Children.Count; i++) Walk(list.Children[i], $"{path}[{i}]");
                    break;
            }
        }
        foreach (var file in Directory.GetFiles(RepoPaths.Dialogs, "*.yaml", SearchOption.AllDirectories)) // with the shared consents in consent/
        {
            var yaml = new YamlStream();
            using (var reader = File.OpenText(file)) yaml.Load(reader);
            Walk(yaml.Documents[0].RootNode, Path.GetFileName(file));
        }
        Assert.True(texts.Count > 100, $"only {texts.Count} English texts found");
        Assert.Empty(Offending(texts));
    }
}

using System.Text.RegularExpressions;
using ChatSupport.Questionnaires;
using YamlDotNet.RepresentationModel;

namespace ChatSupport.UnitTests.Questionnaires;

/// <summary>
/// Every YAML example of dialogs/README.md loads as staff would use it: a fragment (a question, some computed
/// values, a follow-up policy) is put into a small questionnaire that asks what the examples read (age, fever, spo2,
/// change …), beside copies of the shipped files (so follow-ups, area tables and shared consents resolve). A name an
/// example uses that neither it nor that questionnaire defines is reported, as staff copying it would meet it.
/// </summary>
public sealed partial class ReadmeExamplesTests
{
    private const string Outline = "<!-- outline:";

    private const string Host = """
        id: readme-example
        version: "1"
        locales: [ja, en]
        title: {ja: 例, en: Example}
        consent: {version: "1", text: {ja: 同意しますか, en: Do you agree?}}
        questions:
          - {id: age, type: integer, text: {ja: 年齢, en: Age}}
          - {id: has_condition, type: yes_no, text: {ja: 持病, en: Condition}}
          - {id: pregnant, type: yes_no, text: {ja: 妊娠, en: Pregnant}}
          - id: fever
            type: single
            text: {ja: 発熱, en: Fever}
            options:
              - {id: none, label: {ja: 無し, en: "No"}}
              - {id: today, number: 0, label: {ja: 今日から, en: Since today}}
              - {id: day1, number: 1, label: {ja: 1日前から, en: Since 1 day ago}}
          - {id: fever_now, type: yes_no, text: {ja: 現在の発熱, en: Fever now}}
          - {id: spo2, type: integer, required: false, text: {ja: SpO2, en: SpO2}}
          - id: change
            type: single
            text: {ja: 変化, en: Change}
            options:
              - {id: better, label: {ja: よくなった, en: Better}}
              - {id: same, label: {ja: 変わらない, en: Same}}
              - {id: worse, label: {ja: 悪くなった, en: Worse}}
          - {id: postal_code, type: postal_code, text: {ja: 郵便番号, en: Postal code}}
        computed:
          - {id: symptomatic, value: "fever_now"}
          - {id: consult, value: "fever_now and has_condition"}
        """;

    private sealed record Example(int Line, string Yaml);

    [GeneratedRegex(@"^# dialogs/consent/([a-z0-9-]+)\.yaml", RegexOptions.Multiline)] private static partial Regex ConsentFile();

    private static List<Example> Examples(string markdown, out int outlines)
    {
        var lines = markdown.Split('\n');
        var examples = new List<Example>();
        outlines = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimEnd() != "```yaml") continue;
            var end = Array.FindIndex(lines, i + 1, l => l.TrimEnd() == "```");
            var skip = i > 0 && lines[i - 1].StartsWith(Outline, StringComparison.Ordinal);
            if (skip) outlines++;
            else examples.Add(new Example(i + 2, string.Join('\n', lines[(i + 1)..end])));
            i = end;
        }
        return examples;
    }

    /// <summary>The errors of one example loaded as described above (empty when it validates).</summary>
    private static List<string> Check(Example example)
    {
        using var temp = new TempDirectory();
        CopyShipped(temp.Path);
        var host = (YamlMappingNode)Parse(Host);
        if (ConsentFile().Match(example.Yaml) is { Success: true } consent)
        {
            temp.File(Path.Combine("consent", "readme-" + consent.Groups[1].Value + ".yaml"), example.Yaml);
            host.Children[new YamlScalarNode("consent")] = Parse($"{{use: readme-{consent.Groups[1].Value}}}");
        }
        else Merge(host, Parse(example.Yaml));
        // An example that computes a value the host asks (age from an earlier response) is one that does not ask it.
        var computed = ((YamlSequenceNode)host.Children[new YamlScalarNode("computed")]).Children.Select(Id).ToHashSet();
        var questions = (YamlSequenceNode)host.Children[new YamlScalarNode("questions")];
        foreach (var asked in questions.Children.Where(q => computed.Contains(Id(q))).ToList()) questions.Children.Remove(asked);
        var stream = new YamlStream(new YamlDocument(host));
        using (var writer = new StringWriter())
        {
            stream.Save(writer, assignAnchors: false);
            temp.File("readme-example.yaml", writer.ToString());
        }
        try
        {
            QuestionnaireCatalog.Load(temp.Path);
            return [];
        }
        catch (ChatSupport.Questionnaires.Loading.QuestionnaireLoadException e)
        {
            return [.. e.Errors.Select(err => $"README line {example.Line}: {err.Field}: {err.Message}")];
        }
    }

    /// <summary>Top-level fields replace the host's; questions and computed values replace the host's of the same id, or are added.</summary>
    private static void Merge(YamlMappingNode host, YamlNode example)
    {
        switch (example)
        {
            case YamlSequenceNode items when items.Children.FirstOrDefault() is YamlMappingNode first:
                var key = first.Children.ContainsKey(new YamlScalarNode("value")) ? "computed" : "questions";
                MergeList((YamlSequenceNode)host.Children[new YamlScalarNode(key)], items);
                break;
            case YamlMappingNode { Children.Count: 1 } m when m.Children.ContainsKey(new YamlScalarNode("text")):
                // A text on its own: shown as a message question.
                var message = new YamlMappingNode { { "id", "example_text" }, { "type", "message" } };
                message.Children.Add(new YamlScalarNode("text"), m.Children[new YamlScalarNode("text")]);
                ((YamlSequenceNode)host.Children[new YamlScalarNode("questions")]).Children.Add(message);
                break;
            case YamlMappingNode fields:
                foreach (var (name, value) in fields.Children)
                {
                    if (name.ToString() is "questions" or "computed" && value is YamlSequenceNode list)
                        MergeList((YamlSequenceNode)host.Children[name], list);
                    else host.Children[name] = value;
                }
                break;
            default:
                throw new InvalidOperationException("An example that is neither fields nor a list: " + example);
        }
    }

    private static void MergeList(YamlSequenceNode hostList, YamlSequenceNode items)
    {
        foreach (var item in items.Children.OfType<YamlMappingNode>())
        {
            var id = item.Children[new YamlScalarNode("id")].ToString();
            var at = hostList.Children.ToList().FindIndex(h => h is YamlMappingNode hm && hm.Children[new YamlScalarNode("id")].ToString() == id);
            if (at >= 0) hostList.Children[at] = item;
            else hostList.Children.Add(item);
        }
    }

    private static string Id(YamlNode item) => ((YamlMappingNode)item).Children[new YamlScalarNode("id")].ToString();

    private static YamlNode Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents[0].RootNode;
    }

    private static void CopyShipped(string target)
    {
        foreach (var file in Directory.GetFiles(RepoPaths.Dialogs, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(RepoPaths.Dialogs, file);
            if (!relative.EndsWith(".yaml", StringComparison.Ordinal) && !relative.EndsWith(".csv", StringComparison.Ordinal)) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
            File.Copy(file, Path.Combine(target, relative));
        }
    }

    [Fact]
    public void EveryYamlExampleInTheDialogsReadme_Validates()
    {
        var examples = Examples(File.ReadAllText(Path.Combine(RepoPaths.Dialogs, "README.md")), out var outlines);
        Assert.Equal(1, outlines); // the field outline at the top, which shows every field in full further down
        Assert.True(examples.Count >= 14, $"only {examples.Count} examples found");
        var errors = examples.SelectMany(Check).ToList();
        Assert.True(errors.Count == 0, string.Join('\n', errors));
    }

    [Fact]
    public void AnExampleUsingANameNobodyDefines_IsCaught()
    {
        var errors = Check(new Example(1, """
            follow_up:
              stop_when: "days_followed >= 14"
              rules:
                - {name: daily, every_days: 1}
            """));
        Assert.Contains(errors, e => e.Contains("follow_up.stop_when: Unknown name 'days_followed'", StringComparison.Ordinal));
    }
}

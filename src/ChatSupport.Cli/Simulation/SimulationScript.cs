using YamlDotNet.RepresentationModel;

namespace ChatSupport.Cli.Simulation;

/// <summary>
/// A scripted conversation (YAML or JSON): sessions on given dates, what the resident says, and optionally what
/// must come out. Used by <c>chatsupport simulate</c> and by the transcript tests.
/// </summary>
public sealed record SimulationScript(string? Questionnaire, string? Locale, IReadOnlyList<ScriptSession> Sessions)
{
    public static SimulationScript Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path, System.Text.Encoding.UTF8)) stream.Load(reader);
        var root = stream.Documents[0].RootNode;
        if (root is YamlSequenceNode answers) return new SimulationScript(null, null, [new ScriptSession(null, null, Strings(answers), null)]);
        if (root is not YamlMappingNode map) throw new FormatException($"{path}: expected a list of answers, or fields (questionnaire, locale, sessions or say).");
        var sessions = map.Children.TryGetValue(new YamlScalarNode("sessions"), out var s) && s is YamlSequenceNode seq
            ? seq.Children.OfType<YamlMappingNode>().Select(Session).ToList()
            : [Session(map)];
        return new SimulationScript(Scalar(map, "questionnaire"), Scalar(map, "locale"), sessions);
    }

    private static ScriptSession Session(YamlMappingNode m)
    {
        DateOnly? date = Scalar(m, "date") is { } d ? DateOnly.Parse(d, System.Globalization.CultureInfo.InvariantCulture) : null;
        var say = m.Children.TryGetValue(new YamlScalarNode("say"), out var s) && s is YamlSequenceNode seq ? Strings(seq) : [];
        ScriptExpectation? expect = null;
        if (m.Children.TryGetValue(new YamlScalarNode("expect"), out var e) && e is YamlMappingNode em)
        {
            expect = new ScriptExpectation(
                Scalar(em, "status"),
                List(em, "advice"),
                List(em, "escalations"),
                Scalar(em, "follow_up_questionnaire"),
                Scalar(em, "follow_up_due") is { } due ? DateOnly.Parse(due, System.Globalization.CultureInfo.InvariantCulture) : null,
                List(em, "replies_contain"),
                List(em, "replies_not_contain"),
                em.Children.TryGetValue(new YamlScalarNode("answers"), out var a) && a is YamlMappingNode am
                    ? am.Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => p.Value is YamlSequenceNode ls ? string.Join(",", Strings(ls)) : ((YamlScalarNode)p.Value).Value ?? "")
                    : null);
        }
        return new ScriptSession(date, Scalar(m, "questionnaire"), say, expect);
    }

    private static string? Scalar(YamlMappingNode m, string key) =>
        m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? (v as YamlScalarNode)?.Value : null;

    private static IReadOnlyList<string>? List(YamlMappingNode m, string key) =>
        m.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlSequenceNode s ? Strings(s) : null;

    private static List<string> Strings(YamlSequenceNode s) => [.. s.Children.Select(c => (c as YamlScalarNode)?.Value ?? "")];

}

/// <summary>One sitting: its local date, the questionnaire it starts (default: the script's), the resident's inputs.</summary>
public sealed record ScriptSession(DateOnly? Date, string? Questionnaire, IReadOnlyList<string> Say, ScriptExpectation? Expect);

/// <summary>What a session must produce; a field left out is not checked. Answers are compared as text (lists joined by ',').</summary>
public sealed record ScriptExpectation(
    string? Status,
    IReadOnlyList<string>? Advice,
    IReadOnlyList<string>? Escalations,
    string? FollowUpQuestionnaire,
    DateOnly? FollowUpDue,
    IReadOnlyList<string>? RepliesContain,
    IReadOnlyList<string>? RepliesNotContain,
    IReadOnlyDictionary<string, string>? Answers);

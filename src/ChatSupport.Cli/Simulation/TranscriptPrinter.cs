using System.Text.Json;
using ChatSupport.Activities;

namespace ChatSupport.Cli.Simulation;

/// <summary>A bot reply as the terminal shows it: the text, then its buttons as numbered options.</summary>
public static class TranscriptPrinter
{
    public static string Render(Activity reply)
    {
        var lines = new List<string>();
        if (!string.IsNullOrEmpty(reply.Text)) lines.Add(reply.Text);
        var buttons = Buttons(reply);
        var numbered = !HasNumberedList(reply);
        for (var i = 0; i < buttons.Count; i++) lines.Add(numbered ? $"  [{i + 1}] {buttons[i]}" : $"  [{buttons[i]}]");
        return string.Join('\n', lines);
    }

    public static IReadOnlyList<string> Buttons(Activity reply) =>
        reply.SuggestedActions?.Actions.Select(a => a.Title ?? "").ToList() ?? [];

    /// <summary>Choices shown as a numbered list in the text: typed numbers go to the question, not to the buttons.</summary>
    private static bool HasNumberedList(Activity reply) => reply.Text?.Contains("\n1. ", StringComparison.Ordinal) == true;

    /// <summary>What a button sends when the resident types its number in the terminal.</summary>
    public static string? ButtonValue(Activity? lastReply, string typed)
    {
        if (lastReply?.SuggestedActions is not { } actions || HasNumberedList(lastReply) || !int.TryParse(typed.Trim(), out var n)) return null;
        if (n < 1 || n > actions.Actions.Count) return null;
        var value = actions.Actions[n - 1].Value;
        return value is { ValueKind: JsonValueKind.String } v ? v.GetString() : actions.Actions[n - 1].Title;
    }
}

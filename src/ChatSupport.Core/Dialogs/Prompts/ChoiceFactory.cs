using ChatSupport.Activities;

namespace ChatSupport.Dialogs.Prompts;

/// <summary>Adds choices to a prompt activity: as suggested actions (buttons), a numbered list, or a hero card.</summary>
public static class ChoiceFactory
{
    public static Activity Render(Activity prompt, IList<Choice> choices, ListStyle style, IEnumerable<CardAction>? extraButtons = null)
    {
        var buttons = choices.Select(c => CardAction.ImBack(c.ButtonTitle ?? c.Title, c.Title)).Concat(extraButtons ?? []).ToList();
        switch (style)
        {
            case ListStyle.SuggestedAction:
                prompt.SuggestedActions = new SuggestedActions { Actions = buttons };
                break;
            case ListStyle.List:
                prompt.Text = $"{prompt.Text}\n{NumberedList(choices)}";
                var extras = extraButtons?.ToList() ?? [];
                if (extras.Count > 0) prompt.SuggestedActions = new SuggestedActions { Actions = extras };
                break;
            case ListStyle.HeroCard:
                prompt.Attachments = [new HeroCard { Text = prompt.Text, Buttons = buttons }.ToAttachment()];
                prompt.Text = null;
                break;
        }
        return prompt;
    }

    public static string NumberedList(IList<Choice> choices) =>
        string.Join('\n', choices.Select((c, i) => $"{i + 1}. {c.Title}"));
}

/// <summary>
/// Finds which choice an input names: its label, value, a synonym, its button label, or (only when the choices were
/// shown as a numbered list) its number. Buttons are not numbered on LINE, so there "4" is not the fourth button.
/// </summary>
public static class ChoiceRecognizer
{
    public static int? Recognize(string? input, IList<Choice> choices, bool byNumber = false)
    {
        var s = InputText.Normalize(input);
        if (s.Length == 0) return null;
        for (var i = 0; i < choices.Count; i++)
        {
            var c = choices[i];
            if (InputText.Normalize(c.Title) == s || InputText.Normalize(c.Value) == s
                || (c.ButtonTitle is not null && InputText.Normalize(c.ButtonTitle) == s)
                || (c.Synonyms?.Any(x => InputText.Normalize(x) == s) ?? false))
                return i;
        }
        if (!byNumber) return null;
        var number = s.TrimEnd('.', ')', '番');
        return int.TryParse(number, out var n) && n >= 1 && n <= choices.Count ? n - 1 : null;
    }

    private static readonly char[][] Separators = [[',', '、', '，', ';', '/'], [' ']];

    /// <summary>
    /// Several choices in one message: "1,3,5" (numbered list), "手洗い、換気", "Handwashing, Airing rooms".
    /// Commas and the like split first, spaces only if that fails (labels may contain spaces). Null when any part is not a choice.
    /// </summary>
    public static IReadOnlyList<int>? RecognizeMany(string? input, IList<Choice> choices, bool byNumber = false)
    {
        if (Recognize(input, choices, byNumber) is { } single) return [single];
        foreach (var separators in Separators)
        {
            var parts = InputText.Normalize(input).Split(separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length < 2) continue;
            var found = new List<int>();
            foreach (var p in parts)
            {
                if (Recognize(p, choices, byNumber) is not { } i) { found.Clear(); break; }
                if (!found.Contains(i)) found.Add(i);
            }
            if (found.Count > 0) return found;
        }
        return null;
    }
}

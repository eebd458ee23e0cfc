using ChatSupport.Dialogs.Prompts;

namespace ChatSupport.Questionnaires.Loading;

/// <summary>Words that already mean something anywhere in a conversation: global commands and the engine's own buttons.</summary>
internal static class ButtonWords
{
    private static readonly HashSet<string> EngineButtons = new(
        new[] { PromptTexts.Japanese, PromptTexts.English }
            .SelectMany(t => t.DoneInputs.Append(t.Done).Append(t.Skip).Append(t.SameAsBefore))
            .Select(InputText.Normalize),
        StringComparer.Ordinal);

    public static bool IsReserved(string word) =>
        GlobalCommands.IsCommandWord(word) || EngineButtons.Contains(InputText.Normalize(word));

    public static string Describe(string word) =>
        GlobalCommands.IsCommandWord(word) ? "a command such as restart, help, stop or delete my data" : "done, skip or same as before";
}

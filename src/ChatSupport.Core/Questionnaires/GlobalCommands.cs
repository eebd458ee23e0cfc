using System.Text.Json;
using ChatSupport.Activities;
using ChatSupport.Dialogs.Prompts;

namespace ChatSupport.Questionnaires;

public enum GlobalCommand { None, Start, Restart, Help, StopFollowUps, DeleteData }

/// <summary>Words that work at any point of a conversation, in Japanese and English.</summary>
public static class GlobalCommands
{
    private static readonly Dictionary<string, GlobalCommand> Written = new(StringComparer.Ordinal)
    {
        ["開始"] = GlobalCommand.Start, ["はじめる"] = GlobalCommand.Start, ["start"] = GlobalCommand.Start,
        ["やり直し"] = GlobalCommand.Restart, ["やりなおし"] = GlobalCommand.Restart, ["最初から"] = GlobalCommand.Restart, ["restart"] = GlobalCommand.Restart,
        ["ヘルプ"] = GlobalCommand.Help, ["使い方"] = GlobalCommand.Help, ["help"] = GlobalCommand.Help,
        ["配信停止"] = GlobalCommand.StopFollowUps, ["停止"] = GlobalCommand.StopFollowUps, ["stop"] = GlobalCommand.StopFollowUps, ["stop follow-ups"] = GlobalCommand.StopFollowUps,
        ["データ削除"] = GlobalCommand.DeleteData, ["データを削除"] = GlobalCommand.DeleteData, ["delete my data"] = GlobalCommand.DeleteData,
    };

    /// <summary>The command words as inputs are compared (see <see cref="InputText.Normalize"/>).</summary>
    private static readonly Dictionary<string, GlobalCommand> Words =
        Written.ToDictionary(w => InputText.Normalize(w.Key), w => w.Value, StringComparer.Ordinal);

    /// <summary>Whether a word would be taken as a command (an option label must not be one).</summary>
    public static bool IsCommandWord(string word) => Words.ContainsKey(InputText.Normalize(word));

    public static GlobalCommand Recognize(Activity activity)
    {
        if (activity.Type != ActivityTypes.Message) return GlobalCommand.None;
        if (RequestedQuestionnaire(activity) is not null) return GlobalCommand.Start;
        return Words.GetValueOrDefault(InputText.Normalize(activity.InputText()), GlobalCommand.None);
    }

    /// <summary>A button that starts a given questionnaire posts <c>{"questionnaire": "covid19-followup"}</c> as its value.</summary>
    public static string? RequestedQuestionnaire(Activity activity) =>
        activity.Value is { ValueKind: JsonValueKind.Object } v && v.TryGetProperty("questionnaire", out var q) && q.ValueKind == JsonValueKind.String
            ? q.GetString()
            : null;
}

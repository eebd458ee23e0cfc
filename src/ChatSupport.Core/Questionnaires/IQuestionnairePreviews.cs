using System.Text.Json;
using System.Text.RegularExpressions;
using ChatSupport.Activities;
using ChatSupport.Dialogs.Prompts;

namespace ChatSupport.Questionnaires;

/// <summary>
/// Staff's previews of a questionnaire version (a draft, usually) before residents get it: a link that opens the chat
/// page on it, or a short code staff's own LINE account sends. A preview conversation is marked in its state; nothing
/// it answers is written where residents' responses are (reports, follow-ups, alerts), and it ends when the preview expires.
/// The host implements it on its database; the engine only asks.
/// </summary>
public interface IQuestionnairePreviews
{
    /// <summary>
    /// The preview <paramref name="request"/> opens for the sender of <paramref name="activity"/>, recording the
    /// conversation as a preview one; null when it opens none (unknown, expired, a sender not allowed, or one refused
    /// after too many wrong codes). Callers do not learn which.
    /// </summary>
    ValueTask<PreviewSession?> OpenAsync(PreviewRequest request, Activity activity, CancellationToken cancellationToken);

    /// <summary>The preview a marked conversation runs, or null once it has expired (or was removed).</summary>
    ValueTask<PreviewSession?> FindAsync(string previewId, CancellationToken cancellationToken);
}

/// <summary>An open preview: which version it runs, until when.</summary>
public sealed record PreviewSession(string PreviewId, QuestionnaireDefinition Definition, int Version, DateTimeOffset ExpiresAt);

/// <summary>A request to open a preview: the link's token (the chat page) or a 4-digit code typed in a channel.</summary>
public sealed partial record PreviewRequest(string? Token, string? Code)
{
    /// <summary>
    /// The request in <paramref name="activity"/>: the chat page posts <c>{"preview": token}</c> as the value; staff type
    /// 「プレビュー 1234」, 「プレビュー１２３４」 or "preview 1234" (widths and spaces as <see cref="InputText.Normalize"/> folds them).
    /// </summary>
    public static PreviewRequest? In(Activity activity)
    {
        if (activity.Type != ActivityTypes.Message) return null;
        if (activity.Value is { ValueKind: JsonValueKind.Object } v && v.TryGetProperty("preview", out var t) && t.ValueKind == JsonValueKind.String
            && t.GetString() is { Length: > 0 and <= 128 } token)
            return new PreviewRequest(token, null);
        var match = CodeMessage().Match(InputText.Normalize(activity.InputText()));
        return match.Success ? new PreviewRequest(null, match.Groups[1].Value) : null;
    }

    // Normalized: katakana folded to hiragana (プレビュー → ぷれびゅー), full-width digits and spaces to ASCII.
    [GeneratedRegex(@"^(?:ぷれびゅー|preview)\s*([0-9]{4})$", RegexOptions.CultureInvariant)]
    private static partial Regex CodeMessage();
}

/// <summary>What the engine says about previews: Japanese with English alongside (staff read them, in any channel).</summary>
public static class PreviewTexts
{
    public static string Banner(string questionnaireId, int version) =>
        $"プレビュー：{questionnaireId} 第{version}版（住民には届きません）\nPreview: {questionnaireId} version {version} (never reaches residents)";

    public const string LinkNotValid =
        "このプレビューのリンクは期限が切れたか、正しくありません。新しいリンクを作ってください。\nThis preview link has expired or is not valid. Please make a new one.";

    public const string Ended =
        "プレビューの期限が切れたため、終了しました。\nThe preview has expired and has ended.";
}

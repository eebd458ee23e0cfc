using ChatSupport.Activities;

namespace ChatSupport.Channels.Line;

/// <summary>
/// LINE webhook events as Bot Framework activities (pure). The channel is <c>line</c>; user and conversation ids
/// carry the tenant (<c>kanagawa:U…</c>), so one deployment serves several LINE channels without mixing residents.
/// A text message is the resident's words; a postback is a tapped button (its data is the answer); a follow is a
/// member added (welcome and consent, or "welcome back" in the middle of a questionnaire). A sticker, image, video,
/// audio, file or location is a message without text: the bot says what it understands (nothing of it is carried
/// over, only its kind).
/// </summary>
public static class LineActivityMapper
{
    public const string ChannelId = "line";

    /// <summary>The activity for an event the bot answers, or null for events it does not (see <see cref="IsTurn"/>).</summary>
    public static Activity? ToActivity(LineEvent e, string tenantId, string? locale)
    {
        if (!IsTurn(e)) return null;
        var user = new ChannelAccount(UserKey(tenantId, e.UserId!));
        var activity = new Activity
        {
            ChannelId = ChannelId,
            Id = e.MessageId ?? e.WebhookEventId,
            Timestamp = e.Timestamp,
            From = user,
            Recipient = new ChannelAccount("bot:" + tenantId),
            Conversation = new ConversationAccount(UserKey(tenantId, e.ChatId!)) { IsGroup = e.SourceType is "group" or "room" },
            Locale = locale,
        };
        switch (e.Type)
        {
            case "follow":
                activity.Type = ActivityTypes.ConversationUpdate;
                activity.MembersAdded = [user];
                break;
            case "postback":
                activity.Type = ActivityTypes.Message;
                activity.Text = e.PostbackData;
                // A follow-up invitation's button: start that questionnaire.
                if (e.PostbackData?.StartsWith(StartQuestionnairePrefix, StringComparison.Ordinal) == true)
                    activity.Value = System.Text.Json.JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["questionnaire"] = e.PostbackData[StartQuestionnairePrefix.Length..] });
                break;
            case "message" when e.MessageType != "text":
                activity.Type = ActivityTypes.Message;
                activity.Attachments = [new Attachment { ContentType = NonTextContentTypePrefix + e.MessageType }];
                break;
            default:
                activity.Type = ActivityTypes.Message;
                activity.Text = e.MessageText;
                break;
        }
        return activity;
    }

    /// <summary>
    /// Whether an event is a turn of the bot: messages (of every kind), postbacks and follows from a user, in active
    /// mode (a channel in standby belongs to another module and is not answered).
    /// </summary>
    public static bool IsTurn(LineEvent e) =>
        e.Mode != "standby" && e.UserId is { Length: > 0 } && e.ChatId is { Length: > 0 }
        && (e.Type is "follow" or "postback" || (e.Type == "message" && e.MessageType is { Length: > 0 }));

    /// <summary>The content type of a message without text: <c>application/vnd.line.sticker</c> (the kind only, never the content).</summary>
    public const string NonTextContentTypePrefix = "application/vnd.line.";

    /// <summary>Postback data of a button that starts a questionnaire: <c>questionnaire=covid19-followup</c>.</summary>
    public const string StartQuestionnairePrefix = "questionnaire=";

    /// <summary>The id under which a LINE user or chat of a tenant is known: <c>tenant:id</c>.</summary>
    public static string UserKey(string tenantId, string lineId) => $"{tenantId}:{lineId}";

    /// <summary>Splits <c>tenant:id</c> back into the tenant and LINE's id.</summary>
    public static (string TenantId, string LineId) SplitKey(string key)
    {
        var i = key.IndexOf(':', StringComparison.Ordinal);
        return i > 0 ? (key[..i], key[(i + 1)..]) : throw new FormatException("Not a tenant:id key.");
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatSupport.Activities;

/// <summary>
/// The Bot Framework Activity (the subset ChatSupport uses), with the schema's field names so that
/// <see cref="ActivityJson"/> produces and reads the exact JSON of the Bot Framework protocol.
/// </summary>
public sealed class Activity
{
    public string? Type { get; set; }
    public string? Id { get; set; }
    public DateTimeOffset? Timestamp { get; set; }
    public DateTimeOffset? LocalTimestamp { get; set; }
    public string? ServiceUrl { get; set; }
    public string? ChannelId { get; set; }
    public ChannelAccount? From { get; set; }
    public ConversationAccount? Conversation { get; set; }
    public ChannelAccount? Recipient { get; set; }
    public string? TextFormat { get; set; }
    public string? Locale { get; set; }
    public string? Text { get; set; }
    public string? Speak { get; set; }
    public string? InputHint { get; set; }
    public SuggestedActions? SuggestedActions { get; set; }
    public string? AttachmentLayout { get; set; }
    public IList<Attachment>? Attachments { get; set; }
    public IList<ChannelAccount>? MembersAdded { get; set; }
    public IList<ChannelAccount>? MembersRemoved { get; set; }
    public string? ReplyToId { get; set; }
    public string? DeliveryMode { get; set; }
    public string? Name { get; set; }
    public JsonElement? Value { get; set; }
    public string? ValueType { get; set; }
    public JsonElement? ChannelData { get; set; }

    /// <summary>Properties of the JSON that this type does not model, kept so a round trip loses nothing.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Properties { get; set; }

    /// <summary>A shallow copy: the copy's own fields can be set without touching this activity.</summary>
    public Activity Copy() => (Activity)MemberwiseClone();

    public static Activity CreateMessageActivity(string? text = null) => new() { Type = ActivityTypes.Message, Text = text };

    /// <summary>A reply addressed back to the sender, as the Bot Connector expects (from and recipient swapped).</summary>
    public Activity CreateReply(string? text = null) => new()
    {
        Type = ActivityTypes.Message,
        Timestamp = DateTimeOffset.UtcNow,
        From = Recipient is null ? null : new ChannelAccount(Recipient.Id, Recipient.Name),
        Recipient = From is null ? null : new ChannelAccount(From.Id, From.Name),
        ReplyToId = Id,
        ServiceUrl = ServiceUrl,
        ChannelId = ChannelId,
        Conversation = Conversation,
        Text = text,
        Locale = Locale,
        InputHint = InputHints.AcceptingInput,
    };

    /// <summary>Applies the conversation reference of <paramref name="incoming"/> where this activity has none.</summary>
    public void ApplyConversationReference(Activity incoming)
    {
        ChannelId ??= incoming.ChannelId;
        ServiceUrl ??= incoming.ServiceUrl;
        Conversation ??= incoming.Conversation;
        From ??= incoming.Recipient;
        Recipient ??= incoming.From;
        ReplyToId ??= incoming.Id;
        Locale ??= incoming.Locale;
    }
}

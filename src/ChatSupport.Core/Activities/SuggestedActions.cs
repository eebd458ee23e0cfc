using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatSupport.Activities;

/// <summary>Buttons that disappear once used (LINE renders them as quick replies).</summary>
public sealed class SuggestedActions
{
    public IList<string>? To { get; set; }
    public IList<CardAction> Actions { get; set; } = [];
}

/// <summary>A clickable action (<c>imBack</c> posts <see cref="Value"/> as the user's text).</summary>
public sealed class CardAction
{
    public string Type { get; set; } = ActionTypes.ImBack;
    public string? Title { get; set; }
    public string? Image { get; set; }
    public string? Text { get; set; }
    public string? DisplayText { get; set; }
    public string? ImageAltText { get; set; }
    public JsonElement? Value { get; set; }
    public JsonElement? ChannelData { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Properties { get; set; }

    public static CardAction ImBack(string title, string value) =>
        new() { Type = ActionTypes.ImBack, Title = title, Value = JsonSerializer.SerializeToElement(value) };
}

/// <summary>An attachment: a card or a media file.</summary>
public sealed class Attachment
{
    public string? ContentType { get; set; }
    public string? ContentUrl { get; set; }
    public JsonElement? Content { get; set; }
    public string? Name { get; set; }
    public string? ThumbnailUrl { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Properties { get; set; }
}

/// <summary>Content of an <c>application/vnd.microsoft.card.hero</c> attachment.</summary>
public sealed class HeroCard
{
    public const string ContentType = "application/vnd.microsoft.card.hero";
    public string? Title { get; set; }
    public string? Text { get; set; }
    public IList<CardAction> Buttons { get; set; } = [];

    public Attachment ToAttachment() =>
        new() { ContentType = ContentType, Content = JsonSerializer.SerializeToElement(this, ActivityJson.Options) };
}

/// <summary>
/// A short summary of a completed response (question and answer, in the resident's language), sent after the advice.
/// Channels that know it draw it (LINE: a flex bubble); others may ignore the attachment.
/// </summary>
public sealed class AnswerSummary
{
    public const string ContentType = "application/vnd.chatsupport.summary+json";
    public string? Title { get; set; }
    public IList<AnswerSummaryItem> Items { get; set; } = [];
    /// <summary>The language of the texts (a channel that writes its own words around them, e.g. LINE's alt text, matches it).</summary>
    public string? Locale { get; set; }

    public Attachment ToAttachment() =>
        new() { ContentType = ContentType, Content = JsonSerializer.SerializeToElement(this, ActivityJson.Options) };
}

public sealed record AnswerSummaryItem(string Question, string Answer);

using System.Text.Json;
using System.Text.Json.Nodes;
using ChatSupport.Activities;
using ChatSupport.Residents;

namespace ChatSupport.Channels.Line;

/// <summary>
/// A turn's reply activities as LINE message objects (pure), within LINE's limits: a text is at most 5,000 UTF-16
/// code units (longer ones are split at line breaks), buttons become a quick reply of postback actions (at most 13,
/// labels of at most 20 characters; the data is the answer and the displayText shows it in the chat) on the last
/// message, and choices that do not fit a quick reply become a flex message with one button per choice.
/// Requests carry at most 5 messages: <see cref="Pack"/> joins consecutive texts first and splits only if it must.
/// </summary>
public static class LineMessageRenderer
{
    public const int MaxTextLength = 5000;
    public const int MaxQuickReplyItems = 13;
    public const int MaxQuickReplyLabel = 20;
    public const int MaxFlexButtonLabel = 40;
    public const int MaxPostbackData = 300;
    public const int MaxDisplayText = 300;
    public const int MaxAltText = 1500;
    public const int MaxMessagesPerRequest = 5;

    public static List<JsonObject> Render(IEnumerable<Activity> activities)
    {
        var messages = new List<JsonObject>();
        foreach (var a in activities.Where(a => a.Type == ActivityTypes.Message))
        {
            var buttons = a.SuggestedActions?.Actions.Where(b => Label(b).Length > 0).ToList() ?? [];
            foreach (var card in a.Attachments ?? [])
            {
                if (card.ContentType == HeroCard.ContentType && card.Content is { } content)
                {
                    var hero = content.Deserialize<HeroCard>(ActivityJson.Options)!;
                    messages.Add(Flex(hero.Text ?? a.Text ?? "", hero.Buttons));
                }
                else if (card.ContentType == AnswerSummary.ContentType && card.Content is { } summary)
                {
                    messages.Add(SummaryFlex(summary.Deserialize<AnswerSummary>(ActivityJson.Options)!));
                }
            }
            if (!string.IsNullOrEmpty(a.Text))
                foreach (var part in Split(a.Text, MaxTextLength))
                    messages.Add(new JsonObject { ["type"] = "text", ["text"] = part });
            if (buttons.Count == 0) continue;
            if (FitsQuickReply(buttons))
            {
                if (messages.Count == 0 || (string?)messages[^1]["type"] != "text")
                    messages.Add(new JsonObject { ["type"] = "text", ["text"] = "↓" });
                messages[^1]["quickReply"] = new JsonObject
                {
                    ["items"] = new JsonArray([.. buttons.Select(b => (JsonNode)new JsonObject { ["type"] = "action", ["action"] = Postback(b, MaxQuickReplyLabel) })]),
                };
            }
            else
            {
                // Too many or too long for a quick reply: a flex message with a button per choice (the text is above it).
                messages.Add(Flex(null, buttons));
            }
        }
        return messages;
    }

    public static bool FitsQuickReply(IReadOnlyCollection<CardAction> buttons) =>
        buttons.Count <= MaxQuickReplyItems && buttons.All(b => Label(b).Length <= MaxQuickReplyLabel);

    /// <summary>
    /// Groups messages into requests of at most five: consecutive plain texts are joined (blank line between, within the
    /// text limit) until the messages fit one request; only a longer sequence is split (the rest goes by push).
    /// </summary>
    public static List<List<JsonObject>> Pack(IReadOnlyList<JsonObject> messages)
    {
        var list = messages.Select(m => (JsonObject)m.DeepClone()).ToList();
        for (var i = 0; list.Count > MaxMessagesPerRequest && i < list.Count - 1;)
        {
            if (IsPlainText(list[i]) && (string?)list[i + 1]["type"] == "text"
                && ((string)list[i]["text"]!).Length + 2 + ((string)list[i + 1]["text"]!).Length <= MaxTextLength)
            {
                list[i + 1]["text"] = (string)list[i]["text"]! + "\n\n" + (string)list[i + 1]["text"]!;
                list.RemoveAt(i);
            }
            else i++;
        }
        return [.. list.Chunk(MaxMessagesPerRequest).Select(c => c.ToList())];
    }

    private static bool IsPlainText(JsonObject m) => (string?)m["type"] == "text" && m["quickReply"] is null;

    private static JsonObject Flex(string? text, IEnumerable<CardAction> buttons)
    {
        var list = buttons.Where(b => Label(b).Length > 0).ToList();
        var body = new JsonArray();
        if (!string.IsNullOrEmpty(text)) body.Add(new JsonObject { ["type"] = "text", ["text"] = Truncate(text, 2000), ["wrap"] = true });
        foreach (var b in list)
            body.Add(new JsonObject { ["type"] = "button", ["style"] = "secondary", ["height"] = "sm", ["action"] = Postback(b, MaxFlexButtonLabel) });
        var alt = string.IsNullOrEmpty(text) ? string.Join(" / ", list.Select(Label)) : text;
        return new JsonObject
        {
            ["type"] = "flex",
            ["altText"] = Truncate(alt.Length == 0 ? "選択肢" : alt, MaxAltText),
            ["contents"] = new JsonObject
            {
                ["type"] = "bubble",
                ["body"] = new JsonObject { ["type"] = "box", ["layout"] = "vertical", ["spacing"] = "sm", ["contents"] = body },
            },
        };
    }

    /// <summary>The answers of a completed response as a flex bubble: a title, then question (small, grey) and answer pairs.</summary>
    private static JsonObject SummaryFlex(AnswerSummary summary)
    {
        var title = summary.Title ?? "";
        var body = new JsonArray { new JsonObject { ["type"] = "text", ["text"] = Truncate(title.Length > 0 ? title : "-", 100), ["weight"] = "bold", ["size"] = "md" } };
        foreach (var item in summary.Items.Take(30))
        {
            body.Add(new JsonObject { ["type"] = "text", ["text"] = Truncate(item.Question.Length > 0 ? item.Question : "-", 200), ["size"] = "xs", ["color"] = "#888888", ["wrap"] = true, ["margin"] = "md" });
            body.Add(new JsonObject { ["type"] = "text", ["text"] = Truncate(item.Answer.Length > 0 ? item.Answer : "-", 200), ["size"] = "sm", ["wrap"] = true });
        }
        // Full-width punctuation only in Japanese.
        var colon = Locales.IsEnglish(summary.Locale) ? ": " : "：";
        var alt = title + colon + string.Join(" / ", summary.Items.Select(i => i.Answer));
        return new JsonObject
        {
            ["type"] = "flex",
            ["altText"] = Truncate(alt, MaxAltText),
            ["contents"] = new JsonObject
            {
                ["type"] = "bubble",
                ["body"] = new JsonObject { ["type"] = "box", ["layout"] = "vertical", ["spacing"] = "xs", ["contents"] = body },
            },
        };
    }

    /// <summary>A postback action: the data is the answer the engine reads, the display text is what the chat shows.</summary>
    private static JsonObject Postback(CardAction b, int maxLabel)
    {
        var label = Label(b);
        var value = b.Value is { ValueKind: JsonValueKind.String } v ? v.GetString()! : label;
        return new JsonObject
        {
            ["type"] = "postback",
            ["label"] = Truncate(label, maxLabel),
            ["data"] = Truncate(value, MaxPostbackData),
            ["displayText"] = Truncate(label, MaxDisplayText),
        };
    }

    private static string Label(CardAction b) => (b.Title ?? (b.Value is { ValueKind: JsonValueKind.String } v ? v.GetString() : null) ?? "").Trim();

    /// <summary>Shortens to at most <paramref name="max"/> UTF-16 code units without splitting a surrogate pair.</summary>
    public static string Truncate(string s, int max)
    {
        if (s.Length <= max) return s;
        var cut = max - 1;
        if (cut > 0 && char.IsHighSurrogate(s[cut - 1])) cut--;
        return s[..cut] + "…";
    }

    /// <summary>Splits a long text into parts of at most <paramref name="max"/> code units, at a line break where possible.</summary>
    public static IEnumerable<string> Split(string text, int max)
    {
        var rest = text;
        while (rest.Length > max)
        {
            var cut = rest.LastIndexOf('\n', max - 1, max / 2);
            if (cut <= 0) cut = char.IsHighSurrogate(rest[max - 1]) ? max - 1 : max;
            yield return rest[..cut];
            rest = rest[cut..].TrimStart('\n');
        }
        if (rest.Length > 0) yield return rest;
    }
}

using System.Text.Json.Nodes;

namespace ChatSupport.Channels.Line;

/// <summary>
/// A follow-up invitation: the text and one button that starts the follow-up questionnaire, as a flex bubble (it stays
/// in the chat, where a quick reply would vanish with the next message). The same message goes to every recipient of
/// a multicast, so it holds nothing personal.
/// </summary>
public static class LineInvitation
{
    public static JsonObject Message(string text, string buttonLabel, string questionnaireId) => new()
    {
        ["type"] = "flex",
        ["altText"] = text.Length > LineMessageRenderer.MaxAltText ? text[..LineMessageRenderer.MaxAltText] : text,
        ["contents"] = new JsonObject
        {
            ["type"] = "bubble",
            ["body"] = new JsonObject
            {
                ["type"] = "box",
                ["layout"] = "vertical",
                ["contents"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text, ["wrap"] = true }),
            },
            ["footer"] = new JsonObject
            {
                ["type"] = "box",
                ["layout"] = "vertical",
                ["contents"] = new JsonArray(new JsonObject
                {
                    ["type"] = "button",
                    ["style"] = "primary",
                    ["action"] = new JsonObject
                    {
                        ["type"] = "postback",
                        ["label"] = buttonLabel.Length > LineMessageRenderer.MaxFlexButtonLabel ? buttonLabel[..LineMessageRenderer.MaxFlexButtonLabel] : buttonLabel,
                        ["data"] = LineActivityMapper.StartQuestionnairePrefix + questionnaireId,
                        ["displayText"] = buttonLabel,
                    },
                }),
            },
        },
    };
}

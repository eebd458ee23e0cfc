using System.Text.Json.Nodes;

namespace ChatSupport.Tests.Line;

/// <summary>
/// The validator against LINE's messaging-api.yml. Each limit asserted here was checked against the YAML itself:
/// where LINE's documentation states a limit the spec lacks, the test asserts the validator does not invent it.
/// </summary>
public sealed class OpenApiSchemaValidatorTests
{
    private static readonly OpenApiSchemaValidator Spec = LineSpecs.MessagingApi;

    [Fact]
    public void Validate_Passes_WhenReplyHasTextAndPostbackQuickReplies()
    {
        var errors = Spec.Validate("ReplyMessageRequest", Reply(TextWithQuickReplies(3)));

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_ReportsMaxItems13_WhenQuickReplyHas14Items()
    {
        var errors = Spec.Validate("ReplyMessageRequest", Reply(TextWithQuickReplies(14)));

        var error = Assert.Single(errors);
        Assert.StartsWith("$.messages[0].quickReply.items: 14 items", error);
        Assert.EndsWith("(schema QuickReply: maxItems 13)", error);
    }

    [Fact]
    public void Validate_AcceptsLabelOf21Characters_BecauseSpecLacksLineDocumentedLimitOf20()
    {
        // LINE's docs limit action labels to 20 characters; messaging-api.yml's Action.label has no maxLength.
        var message = TextWithQuickReplies(1);
        message["quickReply"]!["items"]![0]!["action"]!["label"] = new string('a', 21);

        Assert.Empty(Spec.Validate("ReplyMessageRequest", Reply(message)));
    }

    [Fact]
    public void Validate_AcceptsTextOf5001Characters_BecauseSpecLacksLineDocumentedLimitOf5000()
    {
        // LINE's docs limit a text message to 5000 characters; messaging-api.yml's TextMessage.text has no maxLength.
        var message = new JsonObject { ["type"] = "text", ["text"] = new string('x', 5001) };

        Assert.Empty(Spec.Validate("ReplyMessageRequest", Reply(message)));
    }

    [Fact]
    public void Validate_ReportsMaxItems5_WhenRequestHas6Messages()
    {
        var request = new JsonObject
        {
            ["replyToken"] = "reply-token",
            ["messages"] = new JsonArray([.. Enumerable.Range(0, 6).Select(i => (JsonNode)new JsonObject { ["type"] = "text", ["text"] = $"m{i}" })]),
        };

        var error = Assert.Single(Spec.Validate("ReplyMessageRequest", request));
        Assert.Equal("$.messages: 6 items, more than 5 (schema ReplyMessageRequest: maxItems 5)", error);
    }

    [Fact]
    public void Validate_ReportsMaxLength300_WhenPostbackDataHas301Characters()
    {
        var message = TextWithQuickReplies(2);
        message["quickReply"]!["items"]![1]!["action"]!["data"] = new string('d', 301);

        var error = Assert.Single(Spec.Validate("ReplyMessageRequest", Reply(message)));
        Assert.Equal("$.messages[0].quickReply.items[1].action.data: length 301, longer than 300 (schema PostbackAction: maxLength 300)", error);
    }

    [Fact]
    public void Validate_AcceptsPostbackDataOf300AndLongDisplayText_BecauseSpecOnlyLimitsData()
    {
        // LINE's docs limit displayText to 300 characters; PostbackAction.displayText has no maxLength in the spec.
        var message = TextWithQuickReplies(1);
        message["quickReply"]!["items"]![0]!["action"]!["data"] = new string('d', 300);
        message["quickReply"]!["items"]![0]!["action"]!["displayText"] = new string('t', 301);

        Assert.Empty(Spec.Validate("ReplyMessageRequest", Reply(message)));
    }

    [Fact]
    public void Validate_ReportsRequiredTo_WhenPushHasNoRecipient()
    {
        var request = new JsonObject { ["messages"] = new JsonArray(Text("hi")) };

        var error = Assert.Single(Spec.Validate("PushMessageRequest", request));
        Assert.Equal("$.to: required property is missing (schema PushMessageRequest: required)", error);
    }

    [Fact]
    public void Validate_ReportsMaxItems500_WhenMulticastHas501Recipients()
    {
        var request = new JsonObject
        {
            ["to"] = new JsonArray([.. Enumerable.Range(0, 501).Select(i => (JsonNode)JsonValue.Create($"U{i:x32}"))]),
            ["messages"] = new JsonArray(Text("hi")),
        };

        var error = Assert.Single(Spec.Validate("MulticastRequest", request));
        Assert.Equal("$.to: 501 items, more than 500 (schema MulticastRequest: maxItems 500)", error);
    }

    [Fact]
    public void Validate_ReportsDiscriminator_WhenMessageTypeIsUnknown()
    {
        var error = Assert.Single(Spec.Validate("ReplyMessageRequest", Reply(new JsonObject { ["type"] = "hologram", ["text"] = "hi" })));

        Assert.StartsWith("$.messages[0].type: unknown type 'hologram', expected one of text, textV2, sticker,", error);
        Assert.EndsWith("(schema Message: discriminator type)", error);
    }

    [Fact]
    public void Validate_ReportsSubtypeRequirement_WhenMessageIsChosenByDiscriminator()
    {
        var error = Assert.Single(Spec.Validate("ReplyMessageRequest", Reply(new JsonObject { ["type"] = "flex", ["contents"] = new JsonObject { ["type"] = "bubble" } })));

        Assert.Equal("$.messages[0].altText: required property is missing (schema FlexMessage: required)", error);
    }

    [Fact]
    public void Validate_FollowsNestedDiscriminators_InAFlexBubble()
    {
        var flex = JsonNode.Parse("""
            {"type":"flex","altText":"Your results","contents":{"type":"bubble","body":{"type":"box","layout":"vertical","contents":[
              {"type":"text","text":"Score: 12","weight":"bold"},
              {"type":"button","style":"primary","action":{"type":"uri","label":"Details","uri":"https://example.com/results/12"}},
              {"type":"button","action":{"type":"postback","label":"Again","data":"%DATA%"}}]}}}
            """.Replace("%DATA%", new string('d', 301)))!.AsObject();

        var errors = Spec.Validate("ReplyMessageRequest", Reply(flex));

        Assert.Equal(["$.messages[0].contents.body.contents[2].action.data: length 301, longer than 300 (schema PostbackAction: maxLength 300)"], errors);
    }

    [Fact]
    public void Validate_AppliesBaseProperties_WhenSubtypeIsValidatedDirectly()
    {
        var message = TextWithQuickReplies(14);

        var error = Assert.Single(Spec.Validate("TextMessage", message));
        Assert.EndsWith("(schema QuickReply: maxItems 13)", error);
    }

    [Fact]
    public void Validate_ReportsTypeEnumMinimumAndUri_WhenValuesAreWrong()
    {
        var loading = Spec.Validate("ShowLoadingAnimationRequest", new JsonObject { ["chatId"] = "U1", ["loadingSeconds"] = 3 });
        var notInteger = Spec.Validate("ShowLoadingAnimationRequest", new JsonObject { ["chatId"] = "U1", ["loadingSeconds"] = 5.5 });
        var quickReply = TextWithQuickReplies(1);
        quickReply["quickReply"]!["items"]![0]!["imageUrl"] = "icons/yes.png";
        quickReply["quickReply"]!["items"]![0]!["action"]!["inputOption"] = "openTelepathy";

        Assert.Equal(["$.loadingSeconds: 3 is less than 5 (schema ShowLoadingAnimationRequest: minimum 5)"], loading);
        Assert.Equal(["$.loadingSeconds: expected integer, got number (schema ShowLoadingAnimationRequest: type integer)"], notInteger);
        Assert.Equal(
            [
                "$.messages[0].quickReply.items[0].imageUrl: 'icons/yes.png' is not an absolute http(s) URI (schema QuickReplyItem: format uri)",
                "$.messages[0].quickReply.items[0].action.inputOption: \"openTelepathy\" is not one of closeRichMenu, openRichMenu, openKeyboard, openVoice (schema PostbackAction: enum)",
            ],
            Spec.Validate("ReplyMessageRequest", Reply(quickReply)));
    }

    [Fact]
    public void Validate_AcceptsNull_OnlyWhereSchemaIsNullable()
    {
        var plan = Spec.Validate("Membership", JsonNode.Parse("""{"membershipId":1,"title":"Gold","description":"d","benefits":["b"],"price":500,"currency":"JPY","memberCount":3,"memberLimit":null,"isInAppPurchase":false,"isPublished":true}"""));
        var push = Spec.Validate("PushMessageRequest", JsonNode.Parse("""{"to":null,"messages":[{"type":"text","text":"hi"}]}"""));

        Assert.Empty(plan);
        Assert.Equal(["$.to: expected string, got null (schema PushMessageRequest: type string)"], push);
    }

    [Fact]
    public void Validate_RequiresOneMatchingAlternative_ForOneOfAndAnyOf()
    {
        using var dir = new ChatSupport.UnitTests.TempDirectory();
        var validator = OpenApiSchemaValidator.Load(dir.File("alt.yml", """
            components:
              schemas:
                Id:
                  oneOf:
                    - type: string
                      maxLength: 3
                    - type: integer
                      minimum: 1
                Name:
                  anyOf:
                    - $ref: "#/components/schemas/Id"
                    - type: boolean
            """));

        Assert.Empty(validator.Validate("Id", JsonValue.Create("abc")));
        Assert.Empty(validator.Validate("Id", JsonValue.Create(7)));
        Assert.Empty(validator.Validate("Name", JsonValue.Create(true)));
        var error = Assert.Single(validator.Validate("Id", JsonValue.Create("abcd")));
        Assert.StartsWith("$: matches none of the 2 alternatives:", error);
        Assert.EndsWith("(schema Id: oneOf)", error);
    }

    [Fact]
    public void Validate_Throws_WhenSchemaNameIsUnknown() =>
        Assert.Throws<ArgumentException>(() => Spec.Validate("NoSuchSchema", new JsonObject()));

    private static JsonObject Reply(JsonObject message) =>
        new() { ["replyToken"] = "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA", ["messages"] = new JsonArray(message) };

    private static JsonObject Text(string text) => new() { ["type"] = "text", ["text"] = text };

    private static JsonObject TextWithQuickReplies(int count)
    {
        var message = Text("Did this answer help?");
        message["quickReply"] = new JsonObject
        {
            ["items"] = new JsonArray([.. Enumerable.Range(1, count).Select(i => (JsonNode)new JsonObject
            {
                ["type"] = "action",
                ["action"] = new JsonObject { ["type"] = "postback", ["label"] = $"Option {i}", ["data"] = $"answer={i}", ["displayText"] = $"Option {i}" },
            })]),
        };
        return message;
    }
}

using ChatSupport.Residents;
using System.Text.Json.Nodes;
using ChatSupport.Channels.Line;
using ChatSupport.FollowUps;
using ChatSupport.Questionnaires;

namespace ChatSupport.Web.FollowUps;

/// <summary>What a batch says and how its residents are chased, from the questionnaire and rule that scheduled them.</summary>
public static class FollowUpTexts
{
    public static JsonObject Message(QuestionnaireCatalog catalog, string source, string rule, string kind, string questionnaire, string locale)
    {
        var language = Locales.Language(locale);
        var engine = EngineTexts.For(language);
        var policy = catalog.Find(source)?.FollowUp;
        var text = kind == FollowUpKinds.Prompt
            ? (policy?.Rule(rule)?.Prompt ?? policy?.Prompt)?.Get(language) ?? engine.FollowUpPrompt
            : engine.FollowUpReminder;
        return LineInvitation.Message(text, engine.AnswerButton, questionnaire);
    }

    /// <summary>The ladder of the rule (or policy) that scheduled a batch; the default when the questionnaire has changed since.</summary>
    public static NoAnswerLadder Ladder(QuestionnaireCatalog catalog, string source, string rule)
    {
        var policy = catalog.Find(source)?.FollowUp;
        return policy?.Rule(rule)?.IfNoAnswer ?? policy?.IfNoAnswer ?? NoAnswerLadder.Default;
    }
}

public static class FollowUpKinds
{
    public const string Prompt = "prompt";
    public static string Reminder(int step) => "reminder-" + step.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public static class BatchStatus
{
    public const string Planned = "planned", Sent = "sent", Failed = "failed", Held = "held", Expired = "expired";
}

using System.Globalization;
using System.Text.Json.Nodes;
using ChatSupport.Activities;
using ChatSupport.Dialogs.Prompts;

namespace ChatSupport.Questionnaires;

/// <summary>Turns a question into prompt options: the text, buttons that fit LINE, the retry text, skip and reuse shortcuts.</summary>
public static class QuestionRenderer
{
    public const string SkipShortcut = "skip";
    public const string SameShortcut = "same";

    /// <summary>The prompt dialog id for each question type (added by <see cref="QuestionnaireDialog"/>).</summary>
    public static string PromptId(QuestionType type) => type switch
    {
        QuestionType.Single => "single",
        QuestionType.Multiple => "multiple",
        QuestionType.Integer or QuestionType.Decimal => "number",
        QuestionType.YesNo => "yes_no",
        QuestionType.Date => "date",
        QuestionType.PostalCode => "postal_code",
        _ => "text",
    };

    public static QuestionPromptOptions Render(Question q, string locale, string? previousAnswer)
    {
        var texts = EngineTexts.For(locale);
        var promptTexts = PromptTexts.For(locale);
        var text = q.Text.Get(locale);
        if (previousAnswer is not null) text += "\n" + string.Format(CultureInfo.InvariantCulture, texts.PreviousAnswer, previousAnswer);

        var extra = new List<CardAction>();
        var shortcuts = new List<Shortcut>();
        if (previousAnswer is not null)
        {
            extra.Insert(0, CardAction.ImBack(promptTexts.SameAsBefore, promptTexts.SameAsBefore));
            shortcuts.Add(new Shortcut(SameShortcut, [promptTexts.SameAsBefore, PromptTexts.Japanese.SameAsBefore, PromptTexts.English.SameAsBefore]));
        }
        if (q.Type == QuestionType.Multiple) extra.Add(CardAction.ImBack(promptTexts.Done, promptTexts.Done));
        if (!q.Required)
        {
            extra.Add(CardAction.ImBack(promptTexts.Skip, promptTexts.Skip));
            shortcuts.Add(new Shortcut(SkipShortcut, [promptTexts.Skip, PromptTexts.Japanese.Skip, PromptTexts.English.Skip]));
        }

        var choices = Choices(q, locale, texts);
        var prompt = Activity.CreateMessageActivity(text);
        prompt.InputHint = InputHints.ExpectingInput;
        var style = q.Rendering == ChoiceRendering.List ? ListStyle.List : ListStyle.SuggestedAction;
        if (choices is not null) ChoiceFactory.Render(prompt, choices, style, extra);
        else if (q.Type == QuestionType.Date) ChoiceFactory.Render(prompt, [new Choice(texts.Today, texts.Today), new Choice(texts.Yesterday, texts.Yesterday)], ListStyle.SuggestedAction, extra);
        else if (extra.Count > 0) prompt.SuggestedActions = new SuggestedActions { Actions = extra };

        var retry = prompt.Copy();
        retry.Text = (q.Retry?.Get(locale) ?? RetryText(q, texts, locale)) + "\n" + prompt.Text;

        return new QuestionPromptOptions(q.Id, locale, previousAnswer)
        {
            Prompt = prompt,
            RetryPrompt = retry,
            Choices = choices,
            Style = style,
            MaxAttempts = q.MaxAttempts,
            Shortcuts = shortcuts.Count > 0 ? shortcuts : null,
            Validations = Validations(q, locale),
            Locale = locale,
        };
    }

    private static List<Choice>? Choices(Question q, string locale, EngineTexts texts) => q.Type switch
    {
        QuestionType.Single or QuestionType.Multiple => [.. q.Options.Select(o => new Choice(o.Id, o.Label.Get(locale))
        {
            ButtonTitle = o.Short?.Get(locale),
            Synonyms = [.. o.Synonyms],
            Exclusive = o.Exclusive,
        })],
        QuestionType.YesNo => [new Choice("yes", texts.Yes), new Choice("no", texts.No)],
        _ => null,
    };

    private static JsonObject? Validations(Question q, string locale)
    {
        var v = new JsonObject();
        if (q.Min is { } min) v["min"] = min;
        if (q.Max is { } max) v["max"] = max;
        if (q.Type == QuestionType.Integer) v["integer"] = true;
        if (q.Unit is { } unit) v["unit"] = unit.Get(locale);
        if (q.MaxLength is { } len) v["maxLength"] = len;
        if (q.MinDays is { } minDays) v["minDays"] = minDays;
        if (q.MaxDays is { } maxDays) v["maxDays"] = maxDays;
        return v.Count > 0 ? v : null;
    }

    private static string RetryText(Question q, EngineTexts texts, string locale) => q.Type switch
    {
        QuestionType.Single or QuestionType.Multiple => q.Rendering == ChoiceRendering.List ? texts.RetryList : texts.RetryChoice,
        QuestionType.Integer or QuestionType.Decimal when q.Min is not null && q.Max is not null =>
            string.Format(CultureInfo.InvariantCulture, texts.RetryNumberRange, MessageTemplate.Format(q.Min, null, locale), MessageTemplate.Format(q.Max, null, locale)),
        QuestionType.Integer or QuestionType.Decimal => texts.RetryNumber,
        QuestionType.Date => texts.RetryDate,
        QuestionType.PostalCode => texts.RetryPostalCode,
        QuestionType.YesNo => texts.RetryYesNo,
        _ => string.Format(CultureInfo.InvariantCulture, texts.RetryText, q.MaxLength),
    };
}

/// <summary>Prompt options rendered from a question: what is needed to render them again.</summary>
public sealed class QuestionPromptOptions(string questionId, string locale, string? previousAnswer) : PromptOptions
{
    public string QuestionId { get; } = questionId;
    public string? PreviousAnswer { get; } = previousAnswer;
    public string RenderedLocale { get; } = locale;
}

/// <summary>Stores a question's prompt as {question, locale, previous} and renders it again on load.</summary>
internal sealed class QuestionPromptStore(QuestionnaireDefinition definition) : PromptOptionsStore
{
    public override JsonNode Save(PromptOptions options) => options is QuestionPromptOptions q
        ? new JsonObject { ["question"] = q.QuestionId, ["locale"] = q.RenderedLocale, ["previous"] = q.PreviousAnswer }
        : base.Save(options);

    public override PromptOptions Load(JsonNode stored)
    {
        if (stored["question"]?.GetValue<string>() is not { } id) return base.Load(stored);
        var question = definition.FindQuestion(id) ?? throw new QuestionnaireChangedException(id);
        return QuestionRenderer.Render(question, stored["locale"]!.GetValue<string>(), stored["previous"]?.GetValue<string>());
    }
}

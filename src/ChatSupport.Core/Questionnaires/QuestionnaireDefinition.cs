using ChatSupport.Advice;
using ChatSupport.Expressions;
using ChatSupport.FollowUps;

namespace ChatSupport.Questionnaires;

/// <summary>A loaded, validated questionnaire (from <c>dialogs/{id}.yaml</c>); every expression in it is compiled.</summary>
public sealed record QuestionnaireDefinition
{
    public required string Id { get; init; }
    public required string Version { get; init; }
    public required LocalizedText Title { get; init; }
    public required string DefaultLocale { get; init; }
    public required IReadOnlyList<string> Locales { get; init; }
    public ConsentStep? Consent { get; init; }
    public LocalizedText? Intro { get; init; }
    public required IReadOnlyList<Question> Questions { get; init; }
    public IReadOnlyList<ComputedValue> Computed { get; init; } = [];
    public IReadOnlyList<AdviceGroup> Advice { get; init; } = [];
    public IReadOnlyList<EmergencyRule> Emergencies { get; init; } = [];
    public IReadOnlyList<EscalationRule> Escalations { get; init; } = [];
    public FollowUpPolicy? FollowUp { get; init; }
    public AreaTable? Areas { get; init; }
    public ReportSettings Reports { get; init; } = ReportSettings.Default;
    public LocalizedText? Closing { get; init; }
    public string? SourcePath { get; init; }
    /// <summary>
    /// The stored version this definition was loaded from (null: a file). A conversation records it with the dialog, so
    /// a resident finishes on the version they started even after another one is published.
    /// </summary>
    public int? Revision { get; init; }
    /// <summary>The names expressions of this questionnaire may use, with their types.</summary>
    public required SymbolTable Symbols { get; init; }

    public Question? FindQuestion(string id) => Questions.FirstOrDefault(q => q.Id == id);

    /// <summary>The locale to talk in: the resident's if this questionnaire has it ("en-US" → "en"), else the default.</summary>
    public string ResolveLocale(string? requested)
    {
        if (requested is null) return DefaultLocale;
        var language = requested.Split('-', '_')[0].ToLowerInvariant();
        return Locales.Contains(language) ? language : DefaultLocale;
    }
}

/// <summary>
/// What the officials' daily figures read from this questionnaire: <see cref="Symptomatic"/> names the yes/no value (an
/// answer or computed value) that counts a resident as having symptoms (none: no symptomatic share); the area and the age
/// are the latest answers of the resident to these question ids, in this questionnaire or an earlier one (a follow-up
/// asks neither, the self-check did).
/// </summary>
public sealed record ReportSettings(string? Symptomatic, string AreaQuestion, string AgeQuestion)
{
    public static readonly ReportSettings Default = new(null, "postal_code", "age");
}

/// <summary>Shown before the first question; nothing is kept until the resident accepts this version.</summary>
/// <remarks><see cref="Key"/> names the consent: questionnaires that share it (a self-check and its follow-up) ask once.</remarks>
public sealed record ConsentStep(string Key, string Version, LocalizedText Text, LocalizedText Accept, LocalizedText Decline, LocalizedText Declined);

public sealed record ComputedValue(string Id, CompiledExpression Expression);

/// <summary>Checked after every answer: a match interrupts the questionnaire at once and marks the response for escalation.</summary>
public sealed record EmergencyRule(string Category, CompiledExpression When, MessageTemplate Message);

/// <summary>Checked when a response completes: a match marks it for staff attention (with an optional message).</summary>
public sealed record EscalationRule(string Category, CompiledExpression When, MessageTemplate? Message);

/// <summary>A text in each locale of the questionnaire.</summary>
public sealed class LocalizedText(IReadOnlyDictionary<string, string> byLocale)
{
    public IReadOnlyDictionary<string, string> ByLocale { get; } = byLocale;

    public string Get(string locale) =>
        ByLocale.TryGetValue(locale, out var text) ? text
        : ByLocale.TryGetValue("ja", out var ja) ? ja
        : ByLocale.Values.First();

    public static LocalizedText Of(string ja, string en) => new(new Dictionary<string, string> { ["ja"] = ja, ["en"] = en });

    public override string ToString() => Get("ja");
}

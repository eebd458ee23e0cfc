using ChatSupport.Expressions;

namespace ChatSupport.Questionnaires;

public enum QuestionType { Single, Multiple, Integer, Decimal, YesNo, Text, Date, PostalCode, Message }

/// <summary>How choices are shown: as buttons (LINE quick replies) when they fit, else as a numbered list.</summary>
public enum ChoiceRendering { Buttons, List }

public sealed record Question(string Id, QuestionType Type, LocalizedText Text)
{
    public IReadOnlyList<QuestionOption> Options { get; init; } = [];
    public decimal? Min { get; init; }
    public decimal? Max { get; init; }
    public LocalizedText? Unit { get; init; }
    public int? MaxLength { get; init; }
    /// <summary>Dates: earliest and latest allowed, in days relative to today (e.g. -30 and 0).</summary>
    public int? MinDays { get; init; }
    public int? MaxDays { get; init; }
    public bool Required { get; init; } = true;
    public CompiledExpression? When { get; init; }
    /// <summary>A profile answer that rarely changes: offered for reuse ("前回と同じ") when the resident answered it before.</summary>
    public bool Profile { get; init; }
    public ChoiceRendering Rendering { get; init; } = ChoiceRendering.Buttons;
    public LocalizedText? Retry { get; init; }
    public int MaxAttempts { get; init; } = 3;

    public bool IsChoice => Type is QuestionType.Single or QuestionType.Multiple;
    public bool HasAnswer => Type != QuestionType.Message;

    public ExprType ValueType => Type switch
    {
        QuestionType.Single => new ExprType(TypeKind.Text, [.. Options.Select(o => o.Id)]),
        QuestionType.Multiple => new ExprType(TypeKind.Set, [.. Options.Select(o => o.Id)]),
        QuestionType.Integer or QuestionType.Decimal => ExprType.Number,
        QuestionType.YesNo => ExprType.Bool,
        QuestionType.Date => ExprType.Date,
        _ => ExprType.Text,
    };

    public QuestionOption? FindOption(string id) => Options.FirstOrDefault(o => o.Id == id);
}

public sealed record QuestionOption(string Id, LocalizedText Label)
{
    /// <summary>Button label where <see cref="Label"/> is longer than a LINE quick reply allows.</summary>
    public LocalizedText? Short { get; init; }
    /// <summary>A number for expressions (<c>number(fever)</c>), e.g. how many days ago a symptom began.</summary>
    public decimal? Number { get; init; }
    /// <summary>Other words that choose this option when typed (なし, ない, none …), in any language.</summary>
    public IReadOnlyList<string> Synonyms { get; init; } = [];
    /// <summary>Multiple choice: "none of these", cannot be combined with other options.</summary>
    public bool Exclusive { get; init; }

    public string ButtonLabel(string locale) => (Short ?? Label).Get(locale);
}

using System.Text.Json.Nodes;
using ChatSupport.Activities;

namespace ChatSupport.Dialogs.Prompts;

/// <summary>What a prompt asks, how it asks again, and the choices it offers. Kept in the prompt's state (see <see cref="PromptOptionsStore"/>).</summary>
public class PromptOptions
{
    public Activity? Prompt { get; set; }
    public Activity? RetryPrompt { get; set; }
    public IList<Choice>? Choices { get; set; }
    public ListStyle Style { get; set; } = ListStyle.SuggestedAction;
    /// <summary>After this many unrecognised or invalid answers the prompt ends with <see cref="TooManyAttempts"/>; 0 = never.</summary>
    public int MaxAttempts { get; set; }
    /// <summary>Inputs (button values or words) that end the prompt at once with a <see cref="PromptShortcut"/>, e.g. skip.</summary>
    public IList<Shortcut>? Shortcuts { get; set; }
    /// <summary>Constraints the validator reads (min, max, integer, maxLength …).</summary>
    public JsonObject? Validations { get; set; }
    public string? Locale { get; set; }
}

/// <summary>
/// Keeps a prompt's options in its state between turns. The default writes them as JSON; a dialog that can
/// rebuild them (a questionnaire from its definition) stores a reference instead, which keeps state small.
/// </summary>
public class PromptOptionsStore
{
    public static readonly PromptOptionsStore Json = new();

    public virtual JsonNode Save(PromptOptions options) =>
        System.Text.Json.JsonSerializer.SerializeToNode(options, Activities.ActivityJson.Options)!;

    public virtual PromptOptions Load(JsonNode stored) =>
        System.Text.Json.JsonSerializer.Deserialize<PromptOptions>(stored, Activities.ActivityJson.Options)!;
}

/// <summary>A choice: its stored value, the label shown, other words that select it.</summary>
public sealed record Choice(string Value, string Title)
{
    public IList<string>? Synonyms { get; init; }
    /// <summary>Multiple choice: selecting it clears every other choice ("none of these").</summary>
    public bool Exclusive { get; init; }
    /// <summary>Label for a button where <see cref="Title"/> is too long.</summary>
    public string? ButtonTitle { get; init; }
}

public sealed record Shortcut(string Name, IList<string> Inputs, string? Title = null);

public enum ListStyle { None, SuggestedAction, List, HeroCard }

/// <summary>A prompt's end result when the user gave up after the maximum number of attempts.</summary>
public sealed record TooManyAttempts(int Attempts);

/// <summary>A prompt's end result when the user used a shortcut.</summary>
public sealed record PromptShortcut(string Name);

/// <summary>What a recogniser made of the user's input.</summary>
public readonly record struct PromptRecognizerResult<T>(bool Succeeded, T? Value)
{
    public static PromptRecognizerResult<T> Fail() => new(false, default);
    public static PromptRecognizerResult<T> Ok(T value) => new(true, value);
}

/// <summary>What a validator sees.</summary>
public sealed record PromptValidatorContext<T>(
    Bots.ITurnContext Context, PromptRecognizerResult<T> Recognized, PromptOptions Options, int AttemptCount);

/// <summary>Accepts or rejects a recognised value; may send its own retry message.</summary>
public delegate Task<bool> PromptValidator<T>(PromptValidatorContext<T> context, CancellationToken cancellationToken);

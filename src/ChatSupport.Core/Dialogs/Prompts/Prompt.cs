using System.Text.Json.Nodes;
using ChatSupport.Activities;
using ChatSupport.Bots;

namespace ChatSupport.Dialogs.Prompts;

/// <summary>
/// Render, recognise, validate, count attempts: the shape of every prompt. Ends with the recognised value,
/// a <see cref="PromptShortcut"/>, or <see cref="TooManyAttempts"/>.
/// </summary>
public abstract class Prompt<T>(string dialogId, PromptValidator<T>? validator = null) : Dialog(dialogId)
{
    /// <summary>How the options are kept in the prompt's state between turns (JSON by default).</summary>
    public PromptOptionsStore OptionsStore { get; init; } = PromptOptionsStore.Json;

    private const string OptionsKey = "options";
    protected const string AttemptKey = "attemptCount";

    public override async Task<DialogTurnResult> BeginDialogAsync(DialogContext dc, object? options = null, CancellationToken cancellationToken = default)
    {
        var opts = options as PromptOptions ?? throw new ArgumentException("A prompt needs PromptOptions.", nameof(options));
        var state = dc.ActiveDialog!.State;
        state[OptionsKey] = OptionsStore.Save(opts);
        state[AttemptKey] = 0;
        await OnPromptAsync(dc.Context, state, opts, false, cancellationToken).ConfigureAwait(false);
        return EndOfTurn;
    }

    public override async Task<DialogTurnResult> ContinueDialogAsync(DialogContext dc, CancellationToken cancellationToken = default)
    {
        if (dc.Context.Activity.Type != ActivityTypes.Message) return EndOfTurn;
        var state = dc.ActiveDialog!.State;
        var options = ReadOptions(state);
        var attempts = state[AttemptKey]!.GetValue<int>() + 1;
        state[AttemptKey] = attempts;

        if (MatchShortcut(dc.Context.Activity, options) is { } shortcut)
            return await dc.EndDialogAsync(new PromptShortcut(shortcut), cancellationToken).ConfigureAwait(false);

        var recognized = await OnRecognizeAsync(dc.Context, state, options, cancellationToken).ConfigureAwait(false);
        var valid = recognized.Succeeded;
        if (valid && validator is not null)
            valid = await validator(new PromptValidatorContext<T>(dc.Context, recognized, options, attempts), cancellationToken).ConfigureAwait(false);
        if (valid && !await OnAcceptingAsync(dc.Context, state, options, recognized.Value!, cancellationToken).ConfigureAwait(false))
            return EndOfTurn;
        if (valid) return await dc.EndDialogAsync(recognized.Value, cancellationToken).ConfigureAwait(false);

        if (options.MaxAttempts > 0 && attempts >= options.MaxAttempts)
            return await dc.EndDialogAsync(new TooManyAttempts(attempts), cancellationToken).ConfigureAwait(false);
        if (!dc.Context.Responded)
            await OnPromptAsync(dc.Context, state, options, true, cancellationToken).ConfigureAwait(false);
        return EndOfTurn;
    }

    public override Task RepromptDialogAsync(ITurnContext turnContext, DialogInstance instance, CancellationToken cancellationToken = default) =>
        OnPromptAsync(turnContext, instance.State, ReadOptions(instance.State), false, cancellationToken);

    protected PromptOptions ReadOptions(JsonObject state) => OptionsStore.Load(state[OptionsKey]!);

    /// <summary>Sends the prompt, or the retry prompt when <paramref name="isRetry"/>.</summary>
    protected virtual Task OnPromptAsync(ITurnContext turnContext, JsonObject state, PromptOptions options, bool isRetry, CancellationToken cancellationToken)
    {
        var activity = isRetry && options.RetryPrompt is not null ? options.RetryPrompt : options.Prompt;
        return activity is null ? Task.CompletedTask : turnContext.SendActivityAsync(activity.Copy(), cancellationToken);
    }

    protected abstract Task<PromptRecognizerResult<T>> OnRecognizeAsync(ITurnContext turnContext, JsonObject state, PromptOptions options, CancellationToken cancellationToken);

    /// <summary>A valid value is about to end the prompt; a prompt that gathers several inputs returns false to keep going.</summary>
    protected virtual Task<bool> OnAcceptingAsync(ITurnContext turnContext, JsonObject state, PromptOptions options, T value, CancellationToken cancellationToken) =>
        Task.FromResult(true);

    private static string? MatchShortcut(Activity activity, PromptOptions options)
    {
        if (options.Shortcuts is not { Count: > 0 } shortcuts) return null;
        var input = InputText.Normalize(activity.InputText());
        if (input.Length == 0) return null;
        foreach (var s in shortcuts)
            if (s.Inputs.Any(i => InputText.Normalize(i) == input)) return s.Name;
        return null;
    }
}

using System.Text.Json.Nodes;
using ChatSupport.Activities;
using ChatSupport.Bots;

namespace ChatSupport.Dialogs.Prompts;

/// <summary>Free text; <c>maxLength</c> in <see cref="PromptOptions.Validations"/> caps its length.</summary>
public sealed class TextPrompt(string dialogId, PromptValidator<string>? validator = null) : Prompt<string>(dialogId, validator)
{
    protected override Task<PromptRecognizerResult<string>> OnRecognizeAsync(ITurnContext turnContext, JsonObject state, PromptOptions options, CancellationToken cancellationToken)
    {
        var text = turnContext.Activity.InputText()?.Trim();
        var max = options.Validations?["maxLength"]?.GetValue<int>();
        var ok = !string.IsNullOrEmpty(text) && (max is null || InputText.PerceivedLength(text) <= max);
        return Task.FromResult(ok ? PromptRecognizerResult<string>.Ok(text!) : PromptRecognizerResult<string>.Fail());
    }
}

/// <summary>A number; honours <c>min</c>, <c>max</c>, <c>integer</c> and <c>unit</c> in <see cref="PromptOptions.Validations"/>.</summary>
public sealed class NumberPrompt(string dialogId, PromptValidator<decimal>? validator = null) : Prompt<decimal>(dialogId, validator)
{
    protected override Task<PromptRecognizerResult<decimal>> OnRecognizeAsync(ITurnContext turnContext, JsonObject state, PromptOptions options, CancellationToken cancellationToken)
    {
        var v = options.Validations;
        var n = InputText.Number(turnContext.Activity.InputText(), v?["unit"]?.GetValue<string>());
        // Without a max, a sane bound still applies: stores keep numbers of 12 integer digits.
        var ok = n is { } x && Math.Abs(x) < 1_000_000_000_000m
            && (v?["integer"]?.GetValue<bool>() != true || x == decimal.Truncate(x))
            && (v?["min"] is not { } min || x >= min.GetValue<decimal>())
            && (v?["max"] is not { } max || x <= max.GetValue<decimal>());
        return Task.FromResult(ok ? PromptRecognizerResult<decimal>.Ok(n!.Value) : PromptRecognizerResult<decimal>.Fail());
    }
}

/// <summary>Yes or no: はい/いいえ, yes/no, or the choices given.</summary>
public sealed class ConfirmPrompt(string dialogId, PromptValidator<bool>? validator = null) : Prompt<bool>(dialogId, validator)
{
    protected override Task<PromptRecognizerResult<bool>> OnRecognizeAsync(ITurnContext turnContext, JsonObject state, PromptOptions options, CancellationToken cancellationToken)
    {
        var input = turnContext.Activity.InputText();
        // With two choices, the first means yes ("同意する" / "同意しない").
        if (options.Choices is { Count: 2 } choices && ChoiceRecognizer.Recognize(input, choices, options.Style == ListStyle.List) is { } i)
            return Task.FromResult(PromptRecognizerResult<bool>.Ok(i == 0));
        return Task.FromResult(InputText.YesNo(input) is { } b ? PromptRecognizerResult<bool>.Ok(b) : PromptRecognizerResult<bool>.Fail());
    }
}

/// <summary>A date; <c>min</c>/<c>max</c> as days relative to today (e.g. max 0: not in the future).</summary>
public sealed class DatePrompt(string dialogId, PromptValidator<DateOnly>? validator = null) : Prompt<DateOnly>(dialogId, validator)
{
    protected override Task<PromptRecognizerResult<DateOnly>> OnRecognizeAsync(ITurnContext turnContext, JsonObject state, PromptOptions options, CancellationToken cancellationToken)
    {
        var today = turnContext.Clock().Today;
        var d = InputText.Date(turnContext.Activity.InputText(), today);
        var v = options.Validations;
        var ok = d is { } x
            && (v?["minDays"] is not { } min || x >= today.AddDays(min.GetValue<int>()))
            && (v?["maxDays"] is not { } max || x <= today.AddDays(max.GetValue<int>()));
        return Task.FromResult(ok ? PromptRecognizerResult<DateOnly>.Ok(d!.Value) : PromptRecognizerResult<DateOnly>.Fail());
    }
}

/// <summary>A Japanese postal code, returned as 7 digits.</summary>
public sealed class PostalCodePrompt(string dialogId, PromptValidator<string>? validator = null) : Prompt<string>(dialogId, validator)
{
    protected override Task<PromptRecognizerResult<string>> OnRecognizeAsync(ITurnContext turnContext, JsonObject state, PromptOptions options, CancellationToken cancellationToken) =>
        Task.FromResult(InputText.PostalCode(turnContext.Activity.InputText()) is { } code
            ? PromptRecognizerResult<string>.Ok(code)
            : PromptRecognizerResult<string>.Fail());
}

/// <summary>One of <see cref="PromptOptions.Choices"/>; returns the choice's value.</summary>
public sealed class ChoicePrompt(string dialogId, PromptValidator<string>? validator = null) : Prompt<string>(dialogId, validator)
{
    protected override Task OnPromptAsync(ITurnContext turnContext, JsonObject state, PromptOptions options, bool isRetry, CancellationToken cancellationToken)
    {
        var activity = isRetry && options.RetryPrompt is not null ? options.RetryPrompt : options.Prompt;
        if (activity is null) return Task.CompletedTask;
        activity = activity.Copy();
        if (activity.SuggestedActions is null && activity.Attachments is null && options.Choices is { Count: > 0 } choices)
            ChoiceFactory.Render(activity, choices, options.Style);
        return turnContext.SendActivityAsync(activity, cancellationToken);
    }

    protected override Task<PromptRecognizerResult<string>> OnRecognizeAsync(ITurnContext turnContext, JsonObject state, PromptOptions options, CancellationToken cancellationToken)
    {
        var choices = options.Choices ?? [];
        return Task.FromResult(ChoiceRecognizer.Recognize(turnContext.Activity.InputText(), choices, options.Style == ListStyle.List) is { } i
            ? PromptRecognizerResult<string>.Ok(choices[i].Value)
            : PromptRecognizerResult<string>.Fail());
    }
}

using System.Text.Json.Nodes;
using ChatSupport.Activities;
using ChatSupport.Bots;

namespace ChatSupport.Dialogs.Prompts;

/// <summary>
/// Several of <see cref="PromptOptions.Choices"/>: the resident taps options one by one (each tap toggles and the
/// bot shows what is selected so far) and then "done"; or types several at once ("1,3"). An exclusive choice
/// ("none of these") clears the others and ends the question at once. Returns the selected values.
/// </summary>
public sealed class MultiChoicePrompt(string dialogId, PromptValidator<IReadOnlyList<string>>? validator = null)
    : Prompt<IReadOnlyList<string>>(dialogId, validator)
{
    private const string SelectedKey = "selected";
    private const string FinishKey = "finish";

    protected override Task<PromptRecognizerResult<IReadOnlyList<string>>> OnRecognizeAsync(ITurnContext turnContext, JsonObject state, PromptOptions options, CancellationToken cancellationToken)
    {
        var choices = options.Choices ?? [];
        var selected = Selected(state);
        var input = turnContext.Activity.InputText();
        var texts = PromptTexts.For(options.Locale);
        if (texts.DoneInputs.Any(d => InputText.Normalize(d) == InputText.Normalize(input)))
        {
            state[FinishKey] = true;
            return Task.FromResult(selected.Count > 0
                ? PromptRecognizerResult<IReadOnlyList<string>>.Ok(selected)
                : PromptRecognizerResult<IReadOnlyList<string>>.Fail());
        }
        if (ChoiceRecognizer.RecognizeMany(input, choices, options.Style == ListStyle.List) is not { } picked)
            return Task.FromResult(PromptRecognizerResult<IReadOnlyList<string>>.Fail());
        // "None of these" together with another option in one message is a contradiction: ask again.
        if (picked.Count > 1 && picked.Any(i => choices[i].Exclusive))
            return Task.FromResult(PromptRecognizerResult<IReadOnlyList<string>>.Fail());

        var finish = picked.Count > 1;
        foreach (var i in picked)
        {
            var choice = choices[i];
            if (choice.Exclusive)
            {
                selected = [choice.Value];
                finish = true;
                continue;
            }
            selected.RemoveAll(v => choices.Any(c => c.Exclusive && c.Value == v));
            if (picked.Count == 1 && selected.Remove(choice.Value)) continue;
            if (!selected.Contains(choice.Value)) selected.Add(choice.Value);
        }
        // Keep the options' order, whatever order they were tapped in.
        selected = [.. choices.Where(c => selected.Contains(c.Value)).Select(c => c.Value)];
        state[SelectedKey] = new JsonArray([.. selected.Select(v => (JsonNode)v!)]);
        state[FinishKey] = finish && selected.Count > 0;
        return Task.FromResult(PromptRecognizerResult<IReadOnlyList<string>>.Ok(selected));
    }

    protected override async Task<bool> OnAcceptingAsync(ITurnContext turnContext, JsonObject state, PromptOptions options, IReadOnlyList<string> value, CancellationToken cancellationToken)
    {
        if (state[FinishKey]?.GetValue<bool>() == true) return true;
        // A tap toggled an option: show the selection so far, keep the buttons, and do not count it as a failed attempt.
        state[AttemptKey] = 0;
        var texts = PromptTexts.For(options.Locale);
        var titles = (options.Choices ?? []).Where(c => value.Contains(c.Value)).Select(c => c.Title);
        var status = Activity.CreateMessageActivity(value.Count == 0 ? texts.NothingSelected : string.Format(texts.Culture, texts.SelectedSoFar, string.Join(texts.ListSeparator, titles)));
        status.SuggestedActions = options.Prompt?.SuggestedActions;
        status.InputHint = InputHints.ExpectingInput;
        await turnContext.SendActivityAsync(status, cancellationToken).ConfigureAwait(false);
        return false;
    }

    private static List<string> Selected(JsonObject state) =>
        state[SelectedKey] is JsonArray a ? [.. a.Select(n => n!.GetValue<string>())] : [];
}

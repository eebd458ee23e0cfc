using System.Text.Json.Nodes;
using ChatSupport.Activities;
using ChatSupport.Bots;

namespace ChatSupport.Dialogs.Prompts;

/// <summary>
/// Several of <see cref="PromptOptions.Choices"/>: the resident taps options one by one and then "done"; or types
/// several at once ("1,3"). Every tap is answered with what is selected so far; tapping a selected option again
/// removes it and says so. "Done" with nothing selected is not a mistake to count: it explains what to do (and
/// names the "none of these" option, if the question has one). An exclusive choice ("none of these") clears the
/// others and ends the question at once. Returns the selected values.
/// </summary>
public sealed class MultiChoicePrompt(string dialogId, PromptValidator<IReadOnlyList<string>>? validator = null)
    : Prompt<IReadOnlyList<string>>(dialogId, validator)
{
    private const string SelectedKey = "selected";
    private const string FinishKey = "finish";
    /// <summary>What the last input did when it did not finish the question: "removed" (with the option) or "emptyDone".</summary>
    private const string LastKey = "last";

    protected override Task<PromptRecognizerResult<IReadOnlyList<string>>> OnRecognizeAsync(ITurnContext turnContext, JsonObject state, PromptOptions options, CancellationToken cancellationToken)
    {
        var choices = options.Choices ?? [];
        var selected = Selected(state);
        var input = turnContext.Activity.InputText();
        var texts = PromptTexts.For(options.Locale);
        state.Remove(LastKey);
        if (texts.DoneInputs.Any(d => InputText.Normalize(d) == InputText.Normalize(input)))
        {
            state[FinishKey] = selected.Count > 0;
            if (selected.Count == 0) state[LastKey] = EmptyDone;
            return Task.FromResult(PromptRecognizerResult<IReadOnlyList<string>>.Ok(selected));
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
            if (picked.Count == 1 && selected.Remove(choice.Value))
            {
                state[LastKey] = Removed + choice.Value;
                continue;
            }
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
        var choices = options.Choices ?? [];
        var titles = choices.Where(c => value.Contains(c.Value)).Select(c => c.Title);
        var text = value.Count == 0 ? texts.NothingSelected : string.Format(texts.Culture, texts.SelectedSoFar, string.Join(texts.ListSeparator, titles));
        var last = state[LastKey]?.GetValue<string>();
        if (last == EmptyDone)
        {
            text = texts.NothingSelectedDone;
            if (choices.FirstOrDefault(c => c.Exclusive) is { } none)
                text += "\n" + string.Format(texts.Culture, texts.NoneApplies, none.ButtonTitle ?? none.Title);
        }
        else if (last?.StartsWith(Removed, StringComparison.Ordinal) == true
                 && choices.FirstOrDefault(c => c.Value == last[Removed.Length..]) is { } removed)
        {
            text = string.Format(texts.Culture, texts.Unselected, removed.Title) + "\n" + text;
        }
        state.Remove(LastKey);
        var status = Activity.CreateMessageActivity(text);
        status.SuggestedActions = options.Prompt?.SuggestedActions;
        status.InputHint = InputHints.ExpectingInput;
        await turnContext.SendActivityAsync(status, cancellationToken).ConfigureAwait(false);
        return false;
    }

    private const string EmptyDone = "emptyDone";
    private const string Removed = "removed:";

    private static List<string> Selected(JsonObject state) =>
        state[SelectedKey] is JsonArray a ? [.. a.Select(n => n!.GetValue<string>())] : [];
}

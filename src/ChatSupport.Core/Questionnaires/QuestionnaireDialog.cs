using ChatSupport.Dialogs;
using ChatSupport.Dialogs.Prompts;
using ChatSupport.Residents;
using ChatSupport.State;

namespace ChatSupport.Questionnaires;

/// <summary>
/// Runs one questionnaire: consent, then each question whose condition holds (with the prompt for its type),
/// emergency checks after every answer, then advice, escalations and the next follow-up. Its id is the
/// questionnaire's id; its version is the questionnaire's version, kept on the stack with the instance.
/// </summary>
public sealed class QuestionnaireDialog : ComponentDialog
{
    public QuestionnaireDialog(QuestionnaireDefinition definition, IStatePropertyAccessor<ResidentProfile> profile, IResponseHistory history)
        : base(definition.Id)
    {
        Definition = definition;
        // Question prompts keep only a reference to their question in state, and are rendered again from it.
        var store = new QuestionPromptStore(definition);
        AddDialog(new QuestionnaireFlow(definition, profile, history));
        AddDialog(new ConfirmPrompt("consent"));
        AddDialog(new ChoicePrompt("single") { OptionsStore = store });
        AddDialog(new MultiChoicePrompt("multiple") { OptionsStore = store });
        AddDialog(new NumberPrompt("number") { OptionsStore = store });
        AddDialog(new ConfirmPrompt("yes_no") { OptionsStore = store });
        AddDialog(new TextPrompt("text") { OptionsStore = store });
        AddDialog(new DatePrompt("date") { OptionsStore = store });
        AddDialog(new PostalCodePrompt("postal_code") { OptionsStore = store });
    }

    public QuestionnaireDefinition Definition { get; }

    public override string? GetVersion() => Definition.Version;

    /// <summary>
    /// A conversation started on an earlier version of the questionnaire starts again on this one (consent given is
    /// kept), so that editing a questionnaire never breaks a conversation in progress.
    /// </summary>
    public override async Task<DialogTurnResult> ContinueDialogAsync(DialogContext outer, CancellationToken cancellationToken = default)
    {
        if (outer.ActiveDialog!.Version == Definition.Version)
        {
            try
            {
                return await base.ContinueDialogAsync(outer, cancellationToken).ConfigureAwait(false);
            }
            catch (QuestionnaireChangedException)
            {
                // The file was edited without a new version in a way this conversation cannot follow.
            }
        }
        await outer.Context.SendActivityAsync(Activities.Activity.CreateMessageActivity(EngineTexts.For(outer.Context.Activity.Locale).QuestionnaireUpdated), cancellationToken).ConfigureAwait(false);
        return await outer.ReplaceDialogAsync(Id, null, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>The questionnaire changed under a conversation in a way it cannot continue from (a question removed or retyped).</summary>
public sealed class QuestionnaireChangedException(string what) : Exception($"The questionnaire changed under the conversation ({what}).");

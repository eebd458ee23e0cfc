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
        AddDialog(new QuestionnaireFlow(definition, profile, history));
        AddDialog(new ConfirmPrompt("consent"));
        AddDialog(new ChoicePrompt("single"));
        AddDialog(new MultiChoicePrompt("multiple"));
        AddDialog(new NumberPrompt("number"));
        AddDialog(new ConfirmPrompt("yes_no"));
        AddDialog(new TextPrompt("text"));
        AddDialog(new DatePrompt("date"));
        AddDialog(new PostalCodePrompt("postal_code"));
    }

    public QuestionnaireDefinition Definition { get; }

    public override string? GetVersion() => Definition.Version;
}

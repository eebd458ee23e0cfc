namespace ChatSupport.Questionnaires;

/// <summary>
/// Earlier versions of questionnaires, for conversations that started on them: a resident in the middle of a
/// questionnaire finishes on the version they started, even after another one was published (published and retired
/// versions stay loadable; drafts never are).
/// </summary>
public interface IQuestionnaireVersions
{
    /// <summary>The definition a dialog instance recorded (<see cref="QuestionnaireDialog.PinOf"/>), or null when it cannot be loaded.</summary>
    ValueTask<QuestionnaireDefinition?> FindAsync(string questionnaireId, string pin, CancellationToken cancellationToken);
}

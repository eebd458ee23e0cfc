using System.Text.Json.Nodes;
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
    /// <summary>The dialog of <paramref name="definition"/>; <paramref name="offers"/> says whether a follow-up may open a questionnaire (one not offered here is never scheduled; all by default).</summary>
    public QuestionnaireDialog(QuestionnaireDefinition definition, IStatePropertyAccessor<ResidentProfile> profile, IResponseHistory history,
        Func<string, bool>? offers = null)
        : base(definition.Id)
    {
        Definition = definition;
        // Question prompts keep only a reference to their question in state, and are rendered again from it.
        var store = new QuestionPromptStore(definition);
        AddDialog(new QuestionnaireFlow(definition, profile, history, offers ?? (_ => true)));
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

    /// <summary>The questionnaire's version, and the stored version it was loaded from (<c>2020-03@3</c>), kept on the stack.</summary>
    public override string? GetVersion() => PinOf(Definition);

    /// <summary>What a dialog instance of <paramref name="definition"/> records: its <c>version</c>, with <c>@n</c> for a stored version n.</summary>
    public static string PinOf(QuestionnaireDefinition definition) =>
        definition.Revision is { } revision ? $"{definition.Version}@{revision.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : definition.Version;

    /// <summary>The stored version a recorded pin names (<c>2020-03@3</c> → 3), or null for a pin recorded before versions were stored.</summary>
    public static int? RevisionOf(string? pin) =>
        pin is not null && pin.LastIndexOf('@') is >= 0 and var at
        && int.TryParse(pin.AsSpan(at + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>
    /// Whether a stored instance can go on with this definition: same version, and the open prompt's question still
    /// there with the same type. If not, the bot restarts the questionnaire (keeping consent), so that editing a
    /// questionnaire never breaks a conversation in progress.
    /// </summary>
    public bool CanContinue(DialogInstance instance)
    {
        // A pin recorded before versions were stored names only the questionnaire's version.
        if (instance.Version != GetVersion() && (RevisionOf(instance.Version) is not null || instance.Version != Definition.Version)) return false;
        if (instance.State["dialogs"] is not JsonArray inner) return true;
        foreach (var entry in new DialogState(inner).Instances)
        {
            if (FindDialog(entry.Id) is null) return false;
            var questionId = entry.State["options"]?["question"]?.GetValue<string>() ?? entry.State["question"]?.GetValue<string>();
            if (questionId is null) continue;
            if (Definition.FindQuestion(questionId) is not { } question) return false;
            if (entry.Id != "flow" && QuestionRenderer.PromptId(question.Type) != entry.Id) return false;
        }
        return true;
    }
}

/// <summary>The questionnaire changed under a conversation in a way it cannot continue from (a question removed or retyped).</summary>
public sealed class QuestionnaireChangedException(string what) : Exception($"The questionnaire changed under the conversation ({what}).");

using System.Globalization;
using ChatSupport.Activities;
using ChatSupport.Questionnaires;

namespace ChatSupport.Cli.Simulation;

/// <summary>Runs a <see cref="SimulationScript"/> against the engine and checks its expectations.</summary>
public static class ScriptRunner
{
    public static async Task<SimulationResult> RunAsync(QuestionnaireCatalog catalog, string questionnaire, SimulationScript script, string? locale, CancellationToken ct = default)
    {
        var conversation = new LocalConversation(catalog, script.Questionnaire ?? questionnaire, locale ?? script.Locale);
        var sessions = new List<SessionResult>();
        var first = true;
        if (script.Sessions.FirstOrDefault()?.Date is { } firstDate) conversation.Now = TenInTheMorning(firstDate).AddSeconds(-1);
        foreach (var session in script.Sessions)
        {
            var date = session.Date ?? DateOnly.FromDateTime(DateTime.UtcNow);
            var start = TenInTheMorning(date);
            if (start > conversation.Now) conversation.Now = start;
            var eventsBefore = conversation.Events.Count;
            var transcript = new List<TranscriptLine>();
            var replies = session.Questionnaire is { } q
                ? await conversation.StartAsync(q, ct).ConfigureAwait(false)
                : first ? await conversation.JoinAsync(ct).ConfigureAwait(false) : await conversation.StartAsync(script.Questionnaire ?? questionnaire, ct).ConfigureAwait(false);
            transcript.AddRange(replies.Select(Bot));
            foreach (var input in session.Say)
            {
                transcript.Add(new TranscriptLine("resident", input, null));
                var value = TranscriptPrinter.ButtonValue(replies.LastOrDefault(), input) ?? input;
                replies = await conversation.SayAsync(value, ct).ConfigureAwait(false);
                transcript.AddRange(replies.Select(Bot));
            }
            first = false;
            var outcome = conversation.Events.Skip(eventsBefore).OfType<ResponseCompleted>().LastOrDefault()?.Outcome;
            var failures = session.Expect is { } expect ? Check(expect, outcome, transcript) : [];
            sessions.Add(new SessionResult(date, transcript, outcome is null ? null : OutcomeView.From(outcome), failures));
        }
        return new SimulationResult(sessions, sessions.All(s => s.Failures.Count == 0));
    }

    /// <summary>Sessions start at 10:00 in Tokyo on their date.</summary>
    private static DateTimeOffset TenInTheMorning(DateOnly date) => new(date.ToDateTime(new TimeOnly(10, 0)), TimeSpan.FromHours(9));

    private static TranscriptLine Bot(Activity a) =>
        new("bot", a.Text ?? "", TranscriptPrinter.Buttons(a) is { Count: > 0 } b ? b : null);

    private static List<string> Check(ScriptExpectation e, QuestionnaireOutcome? outcome, List<TranscriptLine> transcript)
    {
        var failures = new List<string>();
        var status = outcome?.Status.ToString().ToLowerInvariant() ?? "in_progress";
        if (e.Status is { } s && s != status) failures.Add($"status: expected {s}, got {status}");
        if (e.Advice is { } advice && !advice.SequenceEqual(outcome?.AdviceCategories ?? []))
            failures.Add($"advice: expected [{string.Join(", ", advice)}], got [{string.Join(", ", outcome?.AdviceCategories ?? [])}]");
        if (e.Escalations is { } esc && !esc.SequenceEqual(outcome?.Escalations ?? []))
            failures.Add($"escalations: expected [{string.Join(", ", esc)}], got [{string.Join(", ", outcome?.Escalations ?? [])}]");
        var scheduled = outcome?.FollowUp is { Scheduled: true } f ? f.Questionnaire : "none";
        if (e.FollowUpQuestionnaire is { } fq && fq != scheduled)
            failures.Add($"follow_up_questionnaire: expected {fq}, got {scheduled}");
        if (e.FollowUpDue is { } due && due != outcome?.FollowUp?.Due)
            failures.Add($"follow_up_due: expected {due:yyyy-MM-dd}, got {outcome?.FollowUp?.Due?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "none"}");
        var botText = string.Join("\n", transcript.Where(t => t.From == "bot").Select(t => t.Text));
        foreach (var c in e.RepliesContain ?? []) if (!botText.Contains(c, StringComparison.Ordinal)) failures.Add($"replies_contain: no reply contains \"{c}\"");
        foreach (var c in e.RepliesNotContain ?? []) if (botText.Contains(c, StringComparison.Ordinal)) failures.Add($"replies_not_contain: a reply contains \"{c}\"");
        foreach (var (key, expected) in e.Answers ?? new Dictionary<string, string>())
        {
            var actual = outcome?.Values.GetValueOrDefault(key) is { } v ? OutcomeView.Text(v) : "(none)";
            if (actual != expected) failures.Add($"answers.{key}: expected {expected}, got {actual}");
        }
        return failures;
    }
}

public sealed record SimulationResult(IReadOnlyList<SessionResult> Sessions, bool Passed);

public sealed record SessionResult(DateOnly Date, IReadOnlyList<TranscriptLine> Transcript, OutcomeView? Outcome, IReadOnlyList<string> Failures);

public sealed record TranscriptLine(string From, string Text, IReadOnlyList<string>? Buttons);

/// <summary>An outcome as printed: values as plain JSON text, numbers and dates as strings.</summary>
public sealed record OutcomeView(string Questionnaire, string Version, string Status, IReadOnlyDictionary<string, string> Values,
    IReadOnlyList<string> Advice, IReadOnlyList<string> Escalations, string? NextFollowUpQuestionnaire, string? NextFollowUpDue, string? FollowUpReason)
{
    public static OutcomeView From(QuestionnaireOutcome o) => new(
        o.QuestionnaireId, o.Version, o.Status.ToString().ToLowerInvariant(),
        o.Values.Where(v => v.Value is not null).ToDictionary(v => v.Key, v => Text(v.Value!)),
        o.AdviceCategories, o.Escalations, o.FollowUp?.Questionnaire,
        o.FollowUp?.Due?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), o.FollowUp?.Reason);

    public static string Text(object value) => value switch
    {
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IReadOnlyList<string> list => string.Join(",", list),
        _ => value.ToString() ?? "",
    };
}

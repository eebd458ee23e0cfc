using ChatSupport.FollowUps;
using ChatSupport.Questionnaires;

namespace ChatSupport.UnitTests.FollowUps;

/// <summary>The follow-up policy as staff write it: invitations, the no-answer ladder and the observation period.</summary>
public sealed class FollowUpPolicyTests
{
    private static FollowUpPolicy Load(string followUp)
    {
        using var temp = new TempDirectory();
        var path = temp.File("policy.yaml", $"""
            id: policy
            version: "1"
            title: テスト
            consent: {"{"}version: "1", text: 同意しますか{"}"}
            questions:
              - {"{"}id: onset, type: date, text: いつから{"}"}
              - {"{"}id: ill, type: yes_no, text: 具合は悪いですか{"}"}
            {followUp}
            """);
        return QuestionnaireCatalog.Load(path).Get("policy").FollowUp!;
    }

    [Fact]
    public void ShippedPolicies_SayWhatTheInvitationSays_AndHowNonAnswersAreChased()
    {
        var selfcheck = Shipped.Catalog.Get("covid19-selfcheck").FollowUp!;
        Assert.Equal("最初の質問に「症状がない」とお答えいただいた方にお送りしています。現在の症状はいかがですか。", selfcheck.Rule("others-weekly")!.Prompt!.Get("ja"));
        Assert.Equal(new[] { TimeSpan.FromHours(3) }, selfcheck.Rule("symptomatic-daily")!.IfNoAnswer!.RemindAfter);
        Assert.Equal(TimeSpan.FromHours(6), selfcheck.Rule("symptomatic-daily")!.IfNoAnswer!.AlertAfter);
        Assert.Null(selfcheck.Rule("others-weekly")!.IfNoAnswer); // the policy's (default) ladder: a reminder after 6 h, no alert
        Assert.Equal(NoAnswerLadder.Default, selfcheck.IfNoAnswer);
        Assert.Equal(28, Shipped.Catalog.Get("covid19-followup").FollowUp!.Observe!.Days);
        Assert.Equal(new TimeOnly(9, 0), Shipped.Catalog.Get("elderly-watch").FollowUp!.At);
    }

    [Fact]
    public void TheLadder_TakesItsStepsInTimeOrder_WithTheAlertLast()
    {
        var policy = Load("""
            follow_up:
              if_no_answer: {remind_after: [5h, 1h30m], alert_after: 8h}
              rules:
                - {name: daily, every_days: 1}
            """);
        Assert.Equal([TimeSpan.FromHours(5), TimeSpan.FromMinutes(90)], policy.IfNoAnswer.RemindAfter);
        Assert.Equal(TimeSpan.FromHours(8), policy.IfNoAnswer.AlertAfter);
        Assert.Equal([TimeSpan.FromMinutes(90), TimeSpan.FromHours(5), TimeSpan.FromHours(8)], policy.IfNoAnswer.Steps().Select(s => s.After));
        Assert.True(policy.IfNoAnswer.Steps().Last().Alert);
        Assert.Empty(Load("""
            follow_up:
              if_no_answer: {remind_after: []}
              rules:
                - {name: daily, every_days: 1}
            """).IfNoAnswer.Steps());
    }

    [Fact]
    public void TheObservationPeriod_EndsFollowUpsRelativeToTheResidentsDate()
    {
        var policy = Load("""
            follow_up:
              observe: {from: onset, days: 14}
              rules:
                - {name: daily, every_days: 1}
            """);
        var onset = new DateOnly(2026, 11, 1);
        FollowUpDecision On(DateOnly today) => FollowUpPlanner.Next(policy, new FixedScope(today, new() { ["onset"] = onset }));
        Assert.Equal((new DateOnly(2026, 11, 14), new DateOnly(2026, 11, 15)), (On(new DateOnly(2026, 11, 13)).Due!.Value, On(new DateOnly(2026, 11, 13)).Until!.Value));
        Assert.Equal(new DateOnly(2026, 11, 15), On(new DateOnly(2026, 11, 14)).Due); // the last day of the period
        Assert.False(On(new DateOnly(2026, 11, 15)).Scheduled);                         // past it: no more
        Assert.StartsWith("observation over", On(new DateOnly(2026, 11, 15)).Reason);
        // Without the resident's date, the period counts from the day of the answer.
        Assert.Equal(new DateOnly(2026, 11, 24), FollowUpPlanner.Next(policy, new FixedScope(new DateOnly(2026, 11, 10), [])).Until);
    }

    private sealed class FixedScope(DateOnly today, Dictionary<string, object?> values) : ChatSupport.Expressions.IEvaluationScope
    {
        public DateOnly Today => today;
        public object? GetValue(string name) => values.GetValueOrDefault(name);
        public IReadOnlyList<ChatSupport.Residents.HistoryRecord> History => [];
    }

    [Fact]
    public void ThePolicysFingerprint_IgnoresCommentsLayoutAndKeyOrder_ButNotAValue()
    {
        var plain = Load("""
            follow_up:
              at: "09:00"
              rules:
                - {name: daily, when: ill, every_days: 1}
            """).Fingerprint;
        var rewritten = Load("""
            follow_up:   # the same policy, written otherwise
              rules:
                - every_days: 1
                  name: daily
                  when: ill
              at: "09:00"
            """).Fingerprint;
        var changed = Load("""
            follow_up:
              at: "09:00"
              rules:
                - {name: daily, when: ill, every_days: 2}
            """).Fingerprint;

        Assert.Matches("^[0-9a-f]{64}$", plain);
        Assert.Equal(plain, rewritten);
        Assert.NotEqual(plain, changed);
        // The fingerprint of what the loader read, not of a file: a stored version has it too.
        Assert.Equal(Shipped.Catalog.Get("elderly-watch").FollowUp!.Fingerprint,
            QuestionnaireCatalog.FromSources([new QuestionnaireSource("elderly-watch", "elderly-watch@v3", File.ReadAllText(Path.Combine(RepoPaths.Dialogs, "elderly-watch.yaml")), RepoPaths.Dialogs, 3)],
                _ => true).Get("elderly-watch").FollowUp!.Fingerprint);
    }
}

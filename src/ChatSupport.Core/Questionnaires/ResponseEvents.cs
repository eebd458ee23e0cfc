using System.Text.Json.Nodes;
using ChatSupport.Bots;
using ChatSupport.FollowUps;

namespace ChatSupport.Questionnaires;

/// <summary>
/// What a turn decided that must be kept: the host stores these with the turn's state (in one transaction,
/// once the database is in). Answers are events from the moment they are given, so partial responses count.
/// </summary>
public abstract record ResponseEvent(string ResidentId, DateTimeOffset At);

public sealed record ConsentGiven(string ResidentId, DateTimeOffset At, string ConsentId, string ConsentVersion) : ResponseEvent(ResidentId, At);

public sealed record ResponseStarted(string ResidentId, DateTimeOffset At, string ResponseId, string QuestionnaireId, string Version) : ResponseEvent(ResidentId, At)
{
    /// <summary>The conversation it happens in (whose state holds the answers in progress), for erasure.</summary>
    public string? ConversationId { get; init; }
}

public sealed record AnswerRecorded(string ResidentId, DateTimeOffset At, string ResponseId, string QuestionId, JsonNode? Value, bool Skipped) : ResponseEvent(ResidentId, At)
{
    /// <summary>The question's type, so a store files the value in the right typed column.</summary>
    public QuestionType Type { get; init; }

    /// <summary>The id of the activity that carried the answer (LINE: the message id), so an unsent message's text can be deleted.</summary>
    public string? SourceId { get; init; }
}

public sealed record ResponseCompleted(string ResidentId, DateTimeOffset At, QuestionnaireOutcome Outcome) : ResponseEvent(ResidentId, At);

public enum ResidentIntent { Restart, Help, StopFollowUps, ResumeFollowUps, DeleteData }

/// <summary>A global command the resident used; stop and delete take effect in storage through the host.</summary>
public sealed record IntentRaised(string ResidentId, DateTimeOffset At, ResidentIntent Intent) : ResponseEvent(ResidentId, At);

public enum ResponseStatus { Completed, Declined, Emergency, Abandoned }

/// <summary>How a response ended: its values, the advice categories given, escalations and the next follow-up.</summary>
public sealed record QuestionnaireOutcome(
    string ResponseId,
    string QuestionnaireId,
    string Version,
    ResponseStatus Status,
    string Locale,
    IReadOnlyDictionary<string, object?> Values,
    IReadOnlyList<string> AdviceCategories,
    IReadOnlyList<string> Escalations,
    FollowUpDecision? FollowUp);

/// <summary>The events of the current turn.</summary>
public sealed class TurnEvents : List<ResponseEvent>;

/// <summary>Receives each turn's events after the turn (the database store implements this later).</summary>
public interface IResponseEventSink
{
    Task WriteAsync(IReadOnlyList<ResponseEvent> events, CancellationToken cancellationToken = default);
}

public static class TurnEventsExtensions
{
    public static TurnEvents Events(this ITurnContext turnContext) => turnContext.TurnState.GetOrAdd(() => new TurnEvents());

    /// <summary>The resident behind a turn: channel and user id (made pseudonymous by the host's store).</summary>
    public static string ResidentId(this ITurnContext turnContext) =>
        $"{turnContext.Activity.ChannelId}:{turnContext.Activity.From?.Id ?? throw new InvalidOperationException("The activity has no sender.")}";
}

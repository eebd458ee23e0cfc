namespace ChatSupport.Persistence;

/// <summary>
/// A resident, by a pseudonymous id (an HMAC of channel and user id). The channel's user id is kept only to send
/// messages and is erased on withdrawal.
/// </summary>
public sealed class ResidentRow
{
    public required string Id { get; set; }
    public required string ChannelId { get; set; }
    public string? ChannelUserId { get; set; }
    public string? Locale { get; set; }
    public string? ConsentId { get; set; }
    public string? ConsentVersion { get; set; }
    public DateTimeOffset? ConsentedAt { get; set; }
    public string? FollowUpQuestionnaire { get; set; }
    public DateOnly? NextFollowUp { get; set; }
    public bool FollowUpsStopped { get; set; }
    public bool Blocked { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A state document of <see cref="State.IStorage"/>: its key, JSON and version (the eTag).</summary>
public sealed class StateDocumentRow
{
    public required string Key { get; set; }
    public required string Json { get; set; }
    public long Version { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One response to a questionnaire, kept from its first answer (partial responses count).</summary>
public sealed class ResponseRow
{
    public required string Id { get; set; }
    public required string ResidentId { get; set; }
    public required string QuestionnaireId { get; set; }
    public required string QuestionnaireVersion { get; set; }
    public required string Status { get; set; }
    /// <summary>The conversation whose state held this response in progress (erased with the resident).</summary>
    public string? ConversationId { get; set; }
    public string? Locale { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    /// <summary>Advice categories given, comma-separated in the order given.</summary>
    public string? AdviceCategories { get; set; }
    public string? Escalations { get; set; }
    /// <summary>The response this one follows up (the resident's previous one), if any.</summary>
    public string? FollowsUpResponseId { get; set; }
    /// <summary>The tenant-local date the response was completed: the "day" of history rules and daily figures.</summary>
    public DateOnly? LocalDate { get; set; }
    /// <summary>Answers and computed values at completion (JSON), read back as the resident's history.</summary>
    public string? ValuesJson { get; set; }
}

/// <summary>One answer, with typed columns so that aggregation is plain SQL.</summary>
public sealed class AnswerRow
{
    public long Id { get; set; }
    public required string ResponseId { get; set; }
    public required string ResidentId { get; set; }
    public required string QuestionId { get; set; }
    public DateTimeOffset AnsweredAt { get; set; }
    public bool Skipped { get; set; }
    public string? ValueText { get; set; }
    public decimal? ValueNumber { get; set; }
    public bool? ValueBool { get; set; }
    public DateOnly? ValueDate { get; set; }
    /// <summary>Multiple choice: the option ids as a JSON array.</summary>
    public string? ValueList { get; set; }
}

/// <summary>Who did what and when (pseudonymous subject, never personal data).</summary>
public sealed class AuditRow
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public string? Subject { get; set; }
    public string? Details { get; set; }
}

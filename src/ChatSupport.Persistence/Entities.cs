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
    /// <summary>The channel's id of the message that carried the answer (LINE message id), for "unsend".</summary>
    public string? SourceId { get; set; }
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

/// <summary>
/// A LINE webhook event as received, kept until it has been processed (unique on LINE's webhook event id, so a
/// redelivery is a no-op). The event's JSON (which may hold what the resident wrote) and its reply token are cleared
/// once it is processed.
/// </summary>
public sealed class LineInboxRow
{
    public long Id { get; set; }
    public required string TenantId { get; set; }
    public required string WebhookEventId { get; set; }
    /// <summary>Tenant and LINE source (user, group or room): events of one conversation are processed in order.</summary>
    public required string ConversationKey { get; set; }
    public required string EventType { get; set; }
    public DateTimeOffset Timestamp { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public string? ReplyToken { get; set; }
    public string? Payload { get; set; }
    /// <summary>pending, done, ignored or failed.</summary>
    public required string Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? ProcessedAt { get; set; }
}

/// <summary>
/// Messages to a LINE user decided by a committed turn, kept until LINE accepted them. The retry key is sent as
/// X-Line-Retry-Key with every push of these messages, so a retry after a crash cannot deliver them twice.
/// </summary>
public sealed class LineOutboxRow
{
    public long Id { get; set; }
    public required string TenantId { get; set; }
    /// <summary>The LINE user (or group) id the messages go to.</summary>
    public required string Recipient { get; set; }
    /// <summary>A UUID: the X-Line-Retry-Key of the first request (later requests of the same messages derive theirs from it).</summary>
    public required string RetryKey { get; set; }
    public string? ReplyToken { get; set; }
    /// <summary>When the reply token stops being usable (LINE: one minute after the event, less a margin).</summary>
    public DateTimeOffset? ReplyBefore { get; set; }
    /// <summary>The LINE message objects, a JSON array (at most five per request are sent).</summary>
    public required string Messages { get; set; }
    /// <summary>pending or failed (a row is deleted once LINE accepted all of its messages).</summary>
    public required string Status { get; set; }
    /// <summary>How many requests (of at most five messages) LINE has accepted, so a retry resumes after them.</summary>
    public int SentBatches { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

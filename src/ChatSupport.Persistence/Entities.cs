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
    /// <summary>The tenant whose channel the resident uses (LINE), for the tenant's follow-ups; null on other channels.</summary>
    public string? TenantId { get; set; }
    public string? FollowUpQuestionnaire { get; set; }
    /// <summary>The tenant-local day of the next follow-up invitation.</summary>
    public DateOnly? NextFollowUp { get; set; }
    /// <summary>The questionnaire whose policy scheduled it and the rule's name: they say what the invitation says and how non-answers are chased.</summary>
    public string? FollowUpSource { get; set; }
    public string? FollowUpRule { get; set; }
    /// <summary>The rule's interval: a resident who does not answer is invited again this many days later.</summary>
    public int? FollowUpEveryDays { get; set; }
    /// <summary>The policy's own time of day (minutes after local midnight); otherwise the tenant's follow-up hour.</summary>
    public int? FollowUpMinute { get; set; }
    /// <summary>The last day of the observation period, if the policy has one.</summary>
    public DateOnly? FollowUpUntil { get; set; }
    public bool FollowUpsStopped { get; set; }
    public bool Blocked { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// One chunk (at most 500 recipients) of a day's follow-up messages of one kind: the unit a dispatch job sends, with the
/// X-Line-Retry-Key every attempt carries, so a retried job, a restarted server or a second server never sends it twice.
/// </summary>
public sealed class FollowUpBatchRow
{
    public long Id { get; set; }
    public required string TenantId { get; set; }
    public DateOnly LocalDate { get; set; }
    /// <summary><c>prompt</c>, or <c>reminder-1</c>, <c>reminder-2</c>… for those who have not answered.</summary>
    public required string Kind { get; set; }
    /// <summary>The questionnaire whose policy (and rule) scheduled these residents, and the one the button starts.</summary>
    public required string Source { get; set; }
    public required string Rule { get; set; }
    public required string Questionnaire { get; set; }
    public required string Locale { get; set; }
    public required string RetryKey { get; set; }
    public int Recipients { get; set; }
    /// <summary>planned, sent, failed (LINE refused it: see LastError), held (over the budget) or expired (its day is over).</summary>
    public required string Status { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    /// <summary>When it may go: batches are spread over the tenant's sending window.</summary>
    public DateTimeOffset NotBefore { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    /// <summary>How many steps of the no-answer ladder (reminders, then the alert) have been taken for this prompt batch.</summary>
    public int ChasedSteps { get; set; }
}

/// <summary>A resident × day × kind of follow-up message, recorded before anything is sent: the key that makes a day's message unique.</summary>
public sealed class FollowUpDeliveryRow
{
    public required string ResidentId { get; set; }
    public DateOnly LocalDate { get; set; }
    public required string Kind { get; set; }
    public long BatchId { get; set; }
    /// <summary>
    /// planned: it goes (or went) with its batch, whose status and time say what happened; skipped: the resident
    /// blocked the account, stopped follow-ups or was erased before the batch was sent. A batch of 500 is sent without
    /// writing 500 rows again.
    /// </summary>
    public required string Status { get; set; }
}

/// <summary>
/// Something staff must look at: an escalation rule met by an answer, or a resident who did not answer the day's
/// follow-up (unreachable). Listed in the staff API by pseudonymous id; acknowledging it is recorded.
/// </summary>
public sealed class StaffAlertRow
{
    public long Id { get; set; }
    /// <summary>What makes it unique: <c>escalation:{response}:{category}</c> or <c>unreachable:{resident}:{day}</c>.</summary>
    public required string Key { get; set; }
    public string? TenantId { get; set; }
    public required string ResidentId { get; set; }
    public required string QuestionnaireId { get; set; }
    /// <summary>escalation or unreachable.</summary>
    public required string Kind { get; set; }
    /// <summary>The escalation rule's category (e.g. worsening), or <c>unreachable</c>.</summary>
    public required string Rule { get; set; }
    public string? ResponseId { get; set; }
    public DateTimeOffset RaisedAt { get; set; }
    public DateTimeOffset? AcknowledgedAt { get; set; }
    public string? AcknowledgedBy { get; set; }
    /// <summary>The outgoing webhook: none (not configured), pending, sent or failed.</summary>
    public required string WebhookStatus { get; set; }
    public int WebhookAttempts { get; set; }
    public string? WebhookError { get; set; }
}

/// <summary>Messages LINE counts against the tenant's monthly quota (pushes and multicasts, one per recipient), per month.</summary>
public sealed class MessageUsageRow
{
    public required string TenantId { get; set; }
    /// <summary>yyyy-MM in the tenant's time zone.</summary>
    public required string Month { get; set; }
    public long Messages { get; set; }
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

/// <summary>
/// One figure of the officials' daily report: tenant × questionnaire × version × tenant-local day × dimension (all, area,
/// health_area or age_band) × group × measure × item. Counts are in <see cref="Count"/>; statistics (a mean, a
/// quartile, minutes) in <see cref="Value"/> with the number of observations behind them in <see cref="N"/>. A day's
/// rows are replaced as a whole by each run of the aggregation, so a re-run or a backfill gives the same rows.
/// </summary>
public sealed class DailyFigureRow
{
    public required string TenantId { get; set; }
    public required string QuestionnaireId { get; set; }
    /// <summary>The questionnaire version; empty for figures not tied to one (follow-up invitations).</summary>
    public required string QuestionnaireVersion { get; set; }
    public DateOnly LocalDate { get; set; }
    public required string Dimension { get; set; }
    /// <summary>The area, health-centre area or age band; empty for the dimension <c>all</c>; <c>unknown</c> when not answered.</summary>
    public required string GroupKey { get; set; }
    public required string Measure { get; set; }
    /// <summary>The option, statistic, advice category or question the figure is about; empty when the measure has none.</summary>
    public required string Item { get; set; }
    public long? Count { get; set; }
    public double? Value { get; set; }
    public long? N { get; set; }
    /// <summary>Hidden by small-cell suppression (primary or complementary) at threshold <see cref="K"/>.</summary>
    public bool Suppressed { get; set; }
    public int K { get; set; }
}

/// <summary>A tenant's area table for the aggregation: postal code or prefix (3–7 digits) → area and health-centre area.</summary>
public sealed class ReportAreaRow
{
    public required string TenantId { get; set; }
    public required string Key { get; set; }
    public required string Area { get; set; }
    public required string HealthArea { get; set; }
}

/// <summary>A daily series an official uploaded (e.g. confirmed cases from the prefecture's open data), drawn beside the figures.</summary>
public sealed class ReportSeriesRow
{
    public required string TenantId { get; set; }
    public required string Name { get; set; }
    public DateOnly LocalDate { get; set; }
    public double Value { get; set; }
    public DateTimeOffset UploadedAt { get; set; }
    public required string UploadedBy { get; set; }
}

/// <summary>Whether a tenant's report of a questionnaire is served at the public open-data endpoint.</summary>
public sealed class ReportPublicationRow
{
    public required string TenantId { get; set; }
    public required string QuestionnaireId { get; set; }
    public bool Published { get; set; }
    public DateTimeOffset ChangedAt { get; set; }
    public required string ChangedBy { get; set; }
}

/// <summary>A change that alters the meaning of a figure (a cohort change, a campaign…), written by an official; shown on charts and in CSV notes.</summary>
public sealed class ReportAnnotationRow
{
    public long Id { get; set; }
    public required string TenantId { get; set; }
    public required string QuestionnaireId { get; set; }
    public DateOnly LocalDate { get; set; }
    public required string Kind { get; set; }
    public required string Text { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A questionnaire version and follow-up policy as first seen by a running ChatSupport: a policy change is annotated on the reports.</summary>
public sealed class QuestionnaireRevisionRow
{
    public required string QuestionnaireId { get; set; }
    public required string Version { get; set; }
    /// <summary>SHA-256 (hex) of the questionnaire's follow_up section.</summary>
    public required string PolicyHash { get; set; }
    public DateTimeOffset FirstSeenAt { get; set; }
}

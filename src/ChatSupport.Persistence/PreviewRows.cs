namespace ChatSupport.Persistence;

/// <summary>
/// A preview of a questionnaire version for staff (issue 14): opened by a link (only the SHA-256 of its token is kept)
/// or a 4-digit code (unique among the unexpired previews), until <see cref="ExpiresAt"/>; then it is removed with the
/// conversations it ran (<see cref="PreviewConversationRow"/>).
/// </summary>
public sealed class PreviewRow
{
    /// <summary>Random, not the token: the mark a preview conversation carries in its state.</summary>
    public required string Id { get; set; }
    /// <summary>The tenant whose allow-listed LINE accounts may use the code; null: any tenant's (a shared questionnaire, an unlimited key).</summary>
    public string? TenantId { get; set; }
    public required string QuestionnaireId { get; set; }
    public int Version { get; set; }
    /// <summary>Hex SHA-256 of the link's token.</summary>
    public required string TokenHash { get; set; }
    public required string Code { get; set; }
    /// <summary>The key name that made it.</summary>
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>A conversation a preview ran: its state document's key, removed with the preview.</summary>
public sealed class PreviewConversationRow
{
    public long Id { get; set; }
    public required string PreviewId { get; set; }
    public required string StateKey { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>A preview code that opened nothing, by the sender's pseudonym: five in ten minutes refuse the sender for ten minutes.</summary>
public sealed class PreviewAttemptRow
{
    public long Id { get; set; }
    public required string Sender { get; set; }
    public DateTimeOffset At { get; set; }
}

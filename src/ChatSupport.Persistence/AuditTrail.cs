namespace ChatSupport.Persistence;

/// <summary>
/// The one writer of <c>audit_log</c> rows: who (a person's or a key's name, <c>resident</c> or <c>public</c>), what,
/// about what, when. Every caller adds its row to the context of the change it records, so the row and the change are
/// saved together or not at all. Never personal data: no user id, pseudonym, answer or free text goes in.
/// </summary>
public static class AuditTrail
{
    /// <summary>The length of the actor, action and subject columns.</summary>
    public const int MaxLength = 64;

    /// <summary>Adds the row to <paramref name="db"/> (saved with the caller's next SaveChanges); longer texts are cut to the columns.</summary>
    public static AuditRow Audit(this ChatSupportDbContext db, TimeProvider clock, string? actor, string action, string? subject = null, string? details = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        var row = new AuditRow
        {
            At = clock.GetUtcNow(),
            Actor = Cut(string.IsNullOrWhiteSpace(actor) ? "unknown" : actor.Trim())!,
            Action = Cut(action)!,
            Subject = string.IsNullOrEmpty(subject) ? null : Cut(subject),
            Details = string.IsNullOrEmpty(details) ? null : details,
        };
        db.AuditLog.Add(row);
        return row;
    }

    private static string? Cut(string? s) => s is { Length: > MaxLength } ? s[..MaxLength] : s;
}

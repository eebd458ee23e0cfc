using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

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

/// <summary>The previews' tables (applied with one line in <see cref="ChatSupportDbContext"/>).</summary>
public sealed class PreviewRowConfiguration : IEntityTypeConfiguration<PreviewRow>
{
    public void Configure(EntityTypeBuilder<PreviewRow> e)
    {
        e.ToTable("previews");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(32);
        e.Property(x => x.TenantId).HasMaxLength(32);
        e.Property(x => x.QuestionnaireId).HasMaxLength(64);
        e.Property(x => x.TokenHash).HasMaxLength(64);
        e.Property(x => x.Code).HasMaxLength(8);
        e.Property(x => x.CreatedBy).HasMaxLength(64);
        e.HasIndex(x => x.TokenHash).IsUnique().HasDatabaseName("ux_previews_token_hash");
        e.HasIndex(x => new { x.Code, x.ExpiresAt }).HasDatabaseName("ix_previews_code");
        e.HasIndex(x => x.ExpiresAt).HasDatabaseName("ix_previews_expires_at");
    }
}

public sealed class PreviewConversationRowConfiguration : IEntityTypeConfiguration<PreviewConversationRow>
{
    public void Configure(EntityTypeBuilder<PreviewConversationRow> e)
    {
        e.ToTable("preview_conversations");
        e.HasKey(x => x.Id);
        e.Property(x => x.PreviewId).HasMaxLength(32);
        e.Property(x => x.StateKey).HasMaxLength(256);
        e.HasIndex(x => x.ExpiresAt).HasDatabaseName("ix_preview_conversations_expires_at");
    }
}

public sealed class PreviewAttemptRowConfiguration : IEntityTypeConfiguration<PreviewAttemptRow>
{
    public void Configure(EntityTypeBuilder<PreviewAttemptRow> e)
    {
        e.ToTable("preview_attempts");
        e.HasKey(x => x.Id);
        e.Property(x => x.Sender).HasMaxLength(64);
        e.HasIndex(x => new { x.Sender, x.At }).HasDatabaseName("ix_preview_attempts_sender");
    }
}

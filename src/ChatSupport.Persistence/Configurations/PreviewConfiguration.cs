using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChatSupport.Persistence.Configurations;

/// <summary>The previews' tables: <c>previews</c>, <c>preview_conversations</c>, <c>preview_attempts</c> (snake_case columns set by <see cref="ChatSupportDbContext"/>).</summary>
internal sealed class PreviewRowConfiguration : IEntityTypeConfiguration<PreviewRow>
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

internal sealed class PreviewConversationRowConfiguration : IEntityTypeConfiguration<PreviewConversationRow>
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

internal sealed class PreviewAttemptRowConfiguration : IEntityTypeConfiguration<PreviewAttemptRow>
{
    public void Configure(EntityTypeBuilder<PreviewAttemptRow> e)
    {
        e.ToTable("preview_attempts");
        e.HasKey(x => x.Id);
        e.Property(x => x.Sender).HasMaxLength(64);
        e.HasIndex(x => new { x.Sender, x.At }).HasDatabaseName("ix_preview_attempts_sender");
    }
}

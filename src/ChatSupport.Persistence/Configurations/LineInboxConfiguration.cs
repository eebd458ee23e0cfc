using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChatSupport.Persistence.Configurations;

/// <summary>The <c>line_inbox</c> table (column names are set in snake_case for every entity by <see cref="ChatSupportDbContext"/>).</summary>
internal sealed class LineInboxConfiguration : IEntityTypeConfiguration<LineInboxRow>
{
    public void Configure(EntityTypeBuilder<LineInboxRow> e)
    {
        e.ToTable("line_inbox");
        e.HasKey(x => x.Id);
        e.Property(x => x.TenantId).HasMaxLength(64);
        e.Property(x => x.WebhookEventId).HasMaxLength(64);
        e.Property(x => x.ConversationKey).HasMaxLength(200);
        e.Property(x => x.EventType).HasMaxLength(32);
        e.Property(x => x.ReplyToken).HasMaxLength(128);
        e.Property(x => x.Status).HasMaxLength(16);
        e.HasIndex(x => x.WebhookEventId).IsUnique().HasDatabaseName("ux_line_inbox_event");
        // The processor lists pending events in arrival order, then takes each conversation's oldest; processed
        // rows (most of the table) are not in these indexes.
        e.HasIndex(x => x.Id).HasFilter("status = 'pending'").HasDatabaseName("ix_line_inbox_pending");
        e.HasIndex(x => new { x.ConversationKey, x.Timestamp }).HasFilter("status = 'pending'").HasDatabaseName("ix_line_inbox_pending_conversation");
    }
}

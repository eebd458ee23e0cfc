using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChatSupport.Persistence.Configurations;

/// <summary>The <c>line_outbox</c> table (column names are set in snake_case for every entity by <see cref="ChatSupportDbContext"/>).</summary>
internal sealed class LineOutboxConfiguration : IEntityTypeConfiguration<LineOutboxRow>
{
    public void Configure(EntityTypeBuilder<LineOutboxRow> e)
    {
        e.ToTable("line_outbox");
        e.HasKey(x => x.Id);
        e.Property(x => x.TenantId).HasMaxLength(64);
        e.Property(x => x.Recipient).HasMaxLength(64);
        e.Property(x => x.RetryKey).HasMaxLength(36);
        e.Property(x => x.ReplyToken).HasMaxLength(128);
        e.Property(x => x.Status).HasMaxLength(16);
        e.Property(x => x.LastError).HasMaxLength(300);
        e.HasIndex(x => x.RetryKey).IsUnique().HasDatabaseName("ux_line_outbox_retry_key");
        e.HasIndex(x => x.Id).HasFilter("status = 'pending'").HasDatabaseName("ix_line_outbox_pending");
    }
}

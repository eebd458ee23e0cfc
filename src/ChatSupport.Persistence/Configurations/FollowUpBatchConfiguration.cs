using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChatSupport.Persistence.Configurations;

/// <summary>The <c>follow_up_batches</c> table (column names are set in snake_case for every entity by <see cref="ChatSupportDbContext"/>).</summary>
internal sealed class FollowUpBatchConfiguration : IEntityTypeConfiguration<FollowUpBatchRow>
{
    public void Configure(EntityTypeBuilder<FollowUpBatchRow> e)
    {
        e.ToTable("follow_up_batches");
        e.HasKey(x => x.Id);
        e.Property(x => x.TenantId).HasMaxLength(32);
        e.Property(x => x.Kind).HasMaxLength(16);
        e.Property(x => x.Source).HasMaxLength(64);
        e.Property(x => x.Rule).HasMaxLength(64);
        e.Property(x => x.Questionnaire).HasMaxLength(64);
        e.Property(x => x.Locale).HasMaxLength(16);
        e.Property(x => x.RetryKey).HasMaxLength(36);
        e.Property(x => x.Status).HasMaxLength(16);
        e.Property(x => x.LastError).HasMaxLength(300);
        e.HasIndex(x => x.RetryKey).IsUnique().HasDatabaseName("ux_follow_up_batches_retry_key");
        e.HasIndex(x => new { x.Status, x.NotBefore }).HasDatabaseName("ix_follow_up_batches_status");
        e.HasIndex(x => new { x.TenantId, x.LocalDate, x.Kind }).HasDatabaseName("ix_follow_up_batches_day");
    }
}

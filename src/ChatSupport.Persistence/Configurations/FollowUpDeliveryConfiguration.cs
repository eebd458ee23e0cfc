using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChatSupport.Persistence.Configurations;

/// <summary>The <c>follow_up_deliveries</c> table (column names are set in snake_case for every entity by <see cref="ChatSupportDbContext"/>).</summary>
internal sealed class FollowUpDeliveryConfiguration : IEntityTypeConfiguration<FollowUpDeliveryRow>
{
    public void Configure(EntityTypeBuilder<FollowUpDeliveryRow> e)
    {
        e.ToTable("follow_up_deliveries");
        e.HasKey(x => new { x.ResidentId, x.LocalDate, x.Kind });
        e.Property(x => x.ResidentId).HasMaxLength(64);
        e.Property(x => x.Kind).HasMaxLength(16);
        e.Property(x => x.Status).HasMaxLength(16);
        e.HasIndex(x => x.BatchId).HasDatabaseName("ix_follow_up_deliveries_batch");
    }
}

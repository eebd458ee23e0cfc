using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChatSupport.Persistence.Configurations;

/// <summary>The <c>residents</c> table (column names are set in snake_case for every entity by <see cref="ChatSupportDbContext"/>).</summary>
internal sealed class ResidentConfiguration : IEntityTypeConfiguration<ResidentRow>
{
    public void Configure(EntityTypeBuilder<ResidentRow> e)
    {
        e.ToTable("residents");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(64);
        e.Property(x => x.ChannelId).HasMaxLength(64);
        e.Property(x => x.ChannelUserId).HasMaxLength(128);
        e.Property(x => x.Locale).HasMaxLength(16);
        e.Property(x => x.ConsentId).HasMaxLength(64);
        e.Property(x => x.ConsentVersion).HasMaxLength(32);
        e.Property(x => x.FollowUpQuestionnaire).HasMaxLength(64);
        e.Property(x => x.TenantId).HasMaxLength(32);
        e.Property(x => x.FollowUpSource).HasMaxLength(64);
        e.Property(x => x.FollowUpRule).HasMaxLength(64);
        // The follow-up planner walks a tenant's residents due by a day in (day, id) order (keyset pagination);
        // residents who cannot be invited are not in the index.
        e.HasIndex(x => new { x.TenantId, x.NextFollowUp, x.Id })
            .HasFilter("next_follow_up IS NOT NULL AND NOT blocked AND NOT follow_ups_stopped")
            .HasDatabaseName("ix_residents_next_follow_up");
    }
}

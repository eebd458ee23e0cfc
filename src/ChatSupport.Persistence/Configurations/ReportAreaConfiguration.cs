using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChatSupport.Persistence.Configurations;

/// <summary>The <c>report_areas</c> table (column names are set in snake_case for every entity by <see cref="ChatSupportDbContext"/>).</summary>
internal sealed class ReportAreaConfiguration : IEntityTypeConfiguration<ReportAreaRow>
{
    public void Configure(EntityTypeBuilder<ReportAreaRow> e)
    {
        e.ToTable("report_areas");
        e.HasKey(x => new { x.TenantId, x.Key });
        e.Property(x => x.TenantId).HasMaxLength(32);
        e.Property(x => x.Key).HasMaxLength(7);
        e.Property(x => x.Area).HasMaxLength(128);
        e.Property(x => x.HealthArea).HasMaxLength(128);
    }
}

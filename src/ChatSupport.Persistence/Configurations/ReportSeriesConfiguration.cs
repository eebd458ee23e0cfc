using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChatSupport.Persistence.Configurations;

/// <summary>The <c>report_series</c> table (column names are set in snake_case for every entity by <see cref="ChatSupportDbContext"/>).</summary>
internal sealed class ReportSeriesConfiguration : IEntityTypeConfiguration<ReportSeriesRow>
{
    public void Configure(EntityTypeBuilder<ReportSeriesRow> e)
    {
        e.ToTable("report_series");
        e.HasKey(x => new { x.TenantId, x.Name, x.LocalDate });
        e.Property(x => x.TenantId).HasMaxLength(32);
        e.Property(x => x.Name).HasMaxLength(64);
        e.Property(x => x.UploadedBy).HasMaxLength(64);
    }
}

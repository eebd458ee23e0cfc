using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChatSupport.Persistence.Configurations;

/// <summary>The <c>report_publications</c> table (column names are set in snake_case for every entity by <see cref="ChatSupportDbContext"/>).</summary>
internal sealed class ReportPublicationConfiguration : IEntityTypeConfiguration<ReportPublicationRow>
{
    public void Configure(EntityTypeBuilder<ReportPublicationRow> e)
    {
        e.ToTable("report_publications");
        e.HasKey(x => new { x.TenantId, x.QuestionnaireId });
        e.Property(x => x.TenantId).HasMaxLength(32);
        e.Property(x => x.QuestionnaireId).HasMaxLength(64);
        e.Property(x => x.ChangedBy).HasMaxLength(64);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChatSupport.Persistence.Configurations;

/// <summary>The <c>report_annotations</c> table (column names are set in snake_case for every entity by <see cref="ChatSupportDbContext"/>).</summary>
internal sealed class ReportAnnotationConfiguration : IEntityTypeConfiguration<ReportAnnotationRow>
{
    public void Configure(EntityTypeBuilder<ReportAnnotationRow> e)
    {
        e.ToTable("report_annotations");
        e.HasKey(x => x.Id);
        e.Property(x => x.TenantId).HasMaxLength(32);
        e.Property(x => x.QuestionnaireId).HasMaxLength(64);
        e.Property(x => x.Kind).HasMaxLength(32);
        e.Property(x => x.Text).HasMaxLength(500);
        e.Property(x => x.CreatedBy).HasMaxLength(64);
        e.HasIndex(x => new { x.TenantId, x.QuestionnaireId, x.LocalDate }).HasDatabaseName("ix_report_annotations_day");
    }
}

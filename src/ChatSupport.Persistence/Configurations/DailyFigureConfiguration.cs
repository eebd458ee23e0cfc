using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChatSupport.Persistence.Configurations;

/// <summary>The <c>daily_figures</c> table (column names are set in snake_case for every entity by <see cref="ChatSupportDbContext"/>).</summary>
internal sealed class DailyFigureConfiguration : IEntityTypeConfiguration<DailyFigureRow>
{
    public void Configure(EntityTypeBuilder<DailyFigureRow> e)
    {
        e.ToTable("daily_figures");
        // A report reads one tenant's questionnaire, one dimension, a range of days: the key leads with exactly that
        // (and its order is the report's); a report of one measure (a chart) reads by measure.
        e.HasKey(x => new { x.TenantId, x.QuestionnaireId, x.Dimension, x.LocalDate, x.QuestionnaireVersion, x.GroupKey, x.Measure, x.Item });
        e.HasIndex(x => new { x.TenantId, x.QuestionnaireId, x.Measure, x.Dimension, x.LocalDate }).HasDatabaseName("ix_daily_figures_measure");
        e.Property(x => x.TenantId).HasMaxLength(32);
        e.Property(x => x.QuestionnaireId).HasMaxLength(64);
        e.Property(x => x.QuestionnaireVersion).HasMaxLength(32);
        e.Property(x => x.Dimension).HasMaxLength(16);
        e.Property(x => x.GroupKey).HasMaxLength(128);
        e.Property(x => x.Measure).HasMaxLength(96);
        e.Property(x => x.Item).HasMaxLength(96);
        e.HasIndex(x => new { x.TenantId, x.LocalDate }).HasDatabaseName("ix_daily_figures_day");
    }
}

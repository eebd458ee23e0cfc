using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChatSupport.Persistence.Configurations;

/// <summary>The <c>questionnaire_versions</c> table (column names are set in snake_case for every entity by <see cref="ChatSupportDbContext"/>).</summary>
internal sealed class QuestionnaireVersionConfiguration : IEntityTypeConfiguration<QuestionnaireVersionRow>
{
    public void Configure(EntityTypeBuilder<QuestionnaireVersionRow> e)
    {
        e.ToTable("questionnaire_versions");
        e.HasKey(x => x.Id);
        e.Property(x => x.TenantId).HasMaxLength(32);
        e.Property(x => x.QuestionnaireId).HasMaxLength(64);
        e.Property(x => x.ContentHash).HasMaxLength(64);
        e.Property(x => x.State).HasMaxLength(16);
        e.Property(x => x.Author).HasMaxLength(64);
        e.Property(x => x.PublishedBy).HasMaxLength(64);
        e.Property(x => x.Note).HasMaxLength(500);
        e.HasIndex(x => new { x.QuestionnaireId, x.Version }).IsUnique().HasDatabaseName("ux_questionnaire_versions_version");
        // One published version per questionnaire, whatever two servers do at once.
        e.HasIndex(x => x.QuestionnaireId).IsUnique().HasFilter("state = 'published'").HasDatabaseName("ux_questionnaire_versions_published");
    }
}

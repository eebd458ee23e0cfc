using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChatSupport.Persistence.Configurations;

/// <summary>The <c>questionnaire_revisions</c> table (column names are set in snake_case for every entity by <see cref="ChatSupportDbContext"/>).</summary>
internal sealed class QuestionnaireRevisionConfiguration : IEntityTypeConfiguration<QuestionnaireRevisionRow>
{
    public void Configure(EntityTypeBuilder<QuestionnaireRevisionRow> e)
    {
        e.ToTable("questionnaire_revisions");
        e.HasKey(x => new { x.QuestionnaireId, x.Version, x.PolicyHash });
        e.Property(x => x.QuestionnaireId).HasMaxLength(64);
        e.Property(x => x.Version).HasMaxLength(32);
        e.Property(x => x.PolicyHash).HasMaxLength(64);
    }
}

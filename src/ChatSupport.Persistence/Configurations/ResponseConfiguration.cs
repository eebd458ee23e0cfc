using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChatSupport.Persistence.Configurations;

/// <summary>The <c>responses</c> table (column names are set in snake_case for every entity by <see cref="ChatSupportDbContext"/>).</summary>
internal sealed class ResponseConfiguration : IEntityTypeConfiguration<ResponseRow>
{
    public void Configure(EntityTypeBuilder<ResponseRow> e)
    {
        e.ToTable("responses");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(128);
        e.Property(x => x.ResidentId).HasMaxLength(64);
        e.Property(x => x.QuestionnaireId).HasMaxLength(64);
        e.Property(x => x.QuestionnaireVersion).HasMaxLength(32);
        e.Property(x => x.Status).HasMaxLength(16);
        e.Property(x => x.Locale).HasMaxLength(16);
        e.Property(x => x.ConversationId).HasMaxLength(256);
        e.HasIndex(x => new { x.ResidentId, x.CompletedAt }).HasDatabaseName("ix_responses_resident_completed");
        // The daily aggregation reads one questionnaire's responses of one day.
        e.HasIndex(x => new { x.QuestionnaireId, x.StartedAt }).HasDatabaseName("ix_responses_questionnaire_started");
        // …and the daily figures read every response started or completed in one day.
        e.HasIndex(x => x.StartedAt).HasDatabaseName("ix_responses_started");
        e.HasIndex(x => x.CompletedAt).HasDatabaseName("ix_responses_completed");
    }
}

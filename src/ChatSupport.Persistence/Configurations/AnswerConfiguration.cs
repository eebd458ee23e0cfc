using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChatSupport.Persistence.Configurations;

/// <summary>The <c>answers</c> table (column names are set in snake_case for every entity by <see cref="ChatSupportDbContext"/>).</summary>
internal sealed class AnswerConfiguration : IEntityTypeConfiguration<AnswerRow>
{
    public void Configure(EntityTypeBuilder<AnswerRow> e)
    {
        e.ToTable("answers");
        e.HasKey(x => x.Id);
        e.Property(x => x.ResponseId).HasMaxLength(128);
        e.Property(x => x.ResidentId).HasMaxLength(64);
        e.Property(x => x.QuestionId).HasMaxLength(64);
        e.Property(x => x.ValueNumber).HasPrecision(18, 6);
        e.HasIndex(x => new { x.ResponseId, x.QuestionId }).IsUnique().HasDatabaseName("ux_answers_response_question");
        e.HasIndex(x => x.ResidentId).HasDatabaseName("ix_answers_resident");
        e.HasIndex(x => new { x.QuestionId, x.AnsweredAt }).HasDatabaseName("ix_answers_question_answered");
        e.Property(x => x.SourceId).HasMaxLength(64);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChatSupport.Persistence.Configurations;

/// <summary>The <c>state_documents</c> table (column names are set in snake_case for every entity by <see cref="ChatSupportDbContext"/>).</summary>
internal sealed class StateDocumentConfiguration : IEntityTypeConfiguration<StateDocumentRow>
{
    public void Configure(EntityTypeBuilder<StateDocumentRow> e)
    {
        e.ToTable("state_documents");
        e.HasKey(x => x.Key);
        e.Property(x => x.Key).HasMaxLength(300);
        e.Property(x => x.Version).IsConcurrencyToken();
    }
}

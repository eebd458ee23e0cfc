using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChatSupport.Persistence.Configurations;

/// <summary>The <c>message_usage</c> table (column names are set in snake_case for every entity by <see cref="ChatSupportDbContext"/>).</summary>
internal sealed class MessageUsageConfiguration : IEntityTypeConfiguration<MessageUsageRow>
{
    public void Configure(EntityTypeBuilder<MessageUsageRow> e)
    {
        e.ToTable("message_usage");
        e.HasKey(x => new { x.TenantId, x.Month });
        e.Property(x => x.TenantId).HasMaxLength(32);
        e.Property(x => x.Month).HasMaxLength(7);
    }
}

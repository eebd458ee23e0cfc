using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChatSupport.Persistence.Configurations;

/// <summary>The <c>staff_alerts</c> table (column names are set in snake_case for every entity by <see cref="ChatSupportDbContext"/>).</summary>
internal sealed class StaffAlertConfiguration : IEntityTypeConfiguration<StaffAlertRow>
{
    public void Configure(EntityTypeBuilder<StaffAlertRow> e)
    {
        e.ToTable("staff_alerts");
        e.HasKey(x => x.Id);
        e.Property(x => x.Key).HasMaxLength(200);
        e.Property(x => x.TenantId).HasMaxLength(32);
        e.Property(x => x.ResidentId).HasMaxLength(64);
        e.Property(x => x.QuestionnaireId).HasMaxLength(64);
        e.Property(x => x.Kind).HasMaxLength(16);
        e.Property(x => x.Rule).HasMaxLength(64);
        e.Property(x => x.ResponseId).HasMaxLength(128);
        e.Property(x => x.AcknowledgedBy).HasMaxLength(64);
        e.Property(x => x.WebhookStatus).HasMaxLength(16);
        e.Property(x => x.WebhookError).HasMaxLength(300);
        e.HasIndex(x => x.Key).IsUnique().HasDatabaseName("ux_staff_alerts_key");
        e.HasIndex(x => new { x.TenantId, x.RaisedAt }).HasDatabaseName("ix_staff_alerts_tenant");
        e.HasIndex(x => x.Id).HasFilter("webhook_status = 'pending'").HasDatabaseName("ix_staff_alerts_webhook_pending");
    }
}

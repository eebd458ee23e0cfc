using Microsoft.EntityFrameworkCore;

namespace ChatSupport.Persistence;

/// <summary>
/// The one model of ChatSupport's data, for PostgreSQL and SQLite. Each provider has a derived context only so
/// that each keeps its own migrations (<see cref="PostgresChatSupportDbContext"/>, <see cref="SqliteChatSupportDbContext"/>).
/// </summary>
public abstract class ChatSupportDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<ResidentRow> Residents => Set<ResidentRow>();
    public DbSet<StateDocumentRow> StateDocuments => Set<StateDocumentRow>();
    public DbSet<ResponseRow> Responses => Set<ResponseRow>();
    public DbSet<AnswerRow> Answers => Set<AnswerRow>();
    public DbSet<AuditRow> AuditLog => Set<AuditRow>();
    public DbSet<LineInboxRow> LineInbox => Set<LineInboxRow>();
    public DbSet<LineOutboxRow> LineOutbox => Set<LineOutboxRow>();
    public DbSet<FollowUpBatchRow> FollowUpBatches => Set<FollowUpBatchRow>();
    public DbSet<FollowUpDeliveryRow> FollowUpDeliveries => Set<FollowUpDeliveryRow>();
    public DbSet<StaffAlertRow> StaffAlerts => Set<StaffAlertRow>();
    public DbSet<MessageUsageRow> MessageUsage => Set<MessageUsageRow>();
    public DbSet<DailyFigureRow> DailyFigures => Set<DailyFigureRow>();
    public DbSet<ReportAreaRow> ReportAreas => Set<ReportAreaRow>();
    public DbSet<ReportSeriesRow> ReportSeries => Set<ReportSeriesRow>();
    public DbSet<ReportPublicationRow> ReportPublications => Set<ReportPublicationRow>();
    public DbSet<ReportAnnotationRow> ReportAnnotations => Set<ReportAnnotationRow>();
    public DbSet<QuestionnaireRevisionRow> QuestionnaireRevisions => Set<QuestionnaireRevisionRow>();
    public DbSet<QuestionnaireVersionRow> QuestionnaireVersions => Set<QuestionnaireVersionRow>();

    /// <summary>SQLite (the embedded default) rather than PostgreSQL; known from the context's type, without asking EF's provider on a hot path.</summary>
    public bool UsesSqlite => this is SqliteChatSupportDbContext;

    /// <summary>An instant as the model stores it, for plain SQL: timestamptz on PostgreSQL, UTC ticks on SQLite.</summary>
    public object Instant(DateTimeOffset at) => UsesSqlite ? at.UtcTicks : at.ToUniversalTime();

    /// <summary>Where plain-SQL statements report themselves when the context was opened with a counter.</summary>
    internal StatementCounter? Counter { get; set; }

    /// <summary>A resident was erased in this context: on SQLite the WAL is checkpointed once the erasure commits.</summary>
    internal bool ErasedSinceCommit { get; set; }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ResidentRow>(e =>
        {
            e.ToTable("residents");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.ChannelId).HasMaxLength(64);
            e.Property(x => x.ChannelUserId).HasMaxLength(128);
            e.Property(x => x.Locale).HasMaxLength(16);
            e.Property(x => x.ConsentId).HasMaxLength(64);
            e.Property(x => x.ConsentVersion).HasMaxLength(32);
            e.Property(x => x.FollowUpQuestionnaire).HasMaxLength(64);
            e.Property(x => x.TenantId).HasMaxLength(32);
            e.Property(x => x.FollowUpSource).HasMaxLength(64);
            e.Property(x => x.FollowUpRule).HasMaxLength(64);
            // The follow-up planner walks a tenant's residents due by a day in (day, id) order (keyset pagination);
            // residents who cannot be invited are not in the index.
            e.HasIndex(x => new { x.TenantId, x.NextFollowUp, x.Id })
                .HasFilter("next_follow_up IS NOT NULL AND NOT blocked AND NOT follow_ups_stopped")
                .HasDatabaseName("ix_residents_next_follow_up");
        });
        modelBuilder.Entity<FollowUpBatchRow>(e =>
        {
            e.ToTable("follow_up_batches");
            e.HasKey(x => x.Id);
            e.Property(x => x.TenantId).HasMaxLength(32);
            e.Property(x => x.Kind).HasMaxLength(16);
            e.Property(x => x.Source).HasMaxLength(64);
            e.Property(x => x.Rule).HasMaxLength(64);
            e.Property(x => x.Questionnaire).HasMaxLength(64);
            e.Property(x => x.Locale).HasMaxLength(16);
            e.Property(x => x.RetryKey).HasMaxLength(36);
            e.Property(x => x.Status).HasMaxLength(16);
            e.Property(x => x.LastError).HasMaxLength(300);
            e.HasIndex(x => x.RetryKey).IsUnique().HasDatabaseName("ux_follow_up_batches_retry_key");
            e.HasIndex(x => new { x.Status, x.NotBefore }).HasDatabaseName("ix_follow_up_batches_status");
            e.HasIndex(x => new { x.TenantId, x.LocalDate, x.Kind }).HasDatabaseName("ix_follow_up_batches_day");
        });
        modelBuilder.Entity<FollowUpDeliveryRow>(e =>
        {
            e.ToTable("follow_up_deliveries");
            e.HasKey(x => new { x.ResidentId, x.LocalDate, x.Kind });
            e.Property(x => x.ResidentId).HasMaxLength(64);
            e.Property(x => x.Kind).HasMaxLength(16);
            e.Property(x => x.Status).HasMaxLength(16);
            e.HasIndex(x => x.BatchId).HasDatabaseName("ix_follow_up_deliveries_batch");
        });
        modelBuilder.Entity<StaffAlertRow>(e =>
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
        });
        modelBuilder.Entity<MessageUsageRow>(e =>
        {
            e.ToTable("message_usage");
            e.HasKey(x => new { x.TenantId, x.Month });
            e.Property(x => x.TenantId).HasMaxLength(32);
            e.Property(x => x.Month).HasMaxLength(7);
        });
        modelBuilder.Entity<StateDocumentRow>(e =>
        {
            e.ToTable("state_documents");
            e.HasKey(x => x.Key);
            e.Property(x => x.Key).HasMaxLength(300);
            e.Property(x => x.Version).IsConcurrencyToken();
        });
        modelBuilder.Entity<ResponseRow>(e =>
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
        });
        modelBuilder.Entity<AnswerRow>(e =>
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
        });
        modelBuilder.Entity<LineInboxRow>(e =>
        {
            e.ToTable("line_inbox");
            e.HasKey(x => x.Id);
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.Property(x => x.WebhookEventId).HasMaxLength(64);
            e.Property(x => x.ConversationKey).HasMaxLength(200);
            e.Property(x => x.EventType).HasMaxLength(32);
            e.Property(x => x.ReplyToken).HasMaxLength(128);
            e.Property(x => x.Status).HasMaxLength(16);
            e.HasIndex(x => x.WebhookEventId).IsUnique().HasDatabaseName("ux_line_inbox_event");
            // The processor lists pending events in arrival order, then takes each conversation's oldest; processed
            // rows (most of the table) are not in these indexes.
            e.HasIndex(x => x.Id).HasFilter("status = 'pending'").HasDatabaseName("ix_line_inbox_pending");
            e.HasIndex(x => new { x.ConversationKey, x.Timestamp }).HasFilter("status = 'pending'").HasDatabaseName("ix_line_inbox_pending_conversation");
        });
        modelBuilder.Entity<LineOutboxRow>(e =>
        {
            e.ToTable("line_outbox");
            e.HasKey(x => x.Id);
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.Property(x => x.Recipient).HasMaxLength(64);
            e.Property(x => x.RetryKey).HasMaxLength(36);
            e.Property(x => x.ReplyToken).HasMaxLength(128);
            e.Property(x => x.Status).HasMaxLength(16);
            e.Property(x => x.LastError).HasMaxLength(300);
            e.HasIndex(x => x.RetryKey).IsUnique().HasDatabaseName("ux_line_outbox_retry_key");
            e.HasIndex(x => x.Id).HasFilter("status = 'pending'").HasDatabaseName("ix_line_outbox_pending");
        });
        modelBuilder.Entity<AuditRow>(e =>
        {
            e.ToTable("audit_log");
            e.HasKey(x => x.Id);
            e.Property(x => x.Actor).HasMaxLength(64);
            e.Property(x => x.Action).HasMaxLength(64);
            e.Property(x => x.Subject).HasMaxLength(64);
        });
        Reports(modelBuilder);
        modelBuilder.ApplyConfiguration(new PreviewRowConfiguration()).ApplyConfiguration(new PreviewConversationRowConfiguration()).ApplyConfiguration(new PreviewAttemptRowConfiguration());
        SnakeCase(modelBuilder);
    }

    private static void Reports(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<DailyFigureRow>(e =>
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
        });
        modelBuilder.Entity<ReportAreaRow>(e =>
        {
            e.ToTable("report_areas");
            e.HasKey(x => new { x.TenantId, x.Key });
            e.Property(x => x.TenantId).HasMaxLength(32);
            e.Property(x => x.Key).HasMaxLength(7);
            e.Property(x => x.Area).HasMaxLength(128);
            e.Property(x => x.HealthArea).HasMaxLength(128);
        });
        modelBuilder.Entity<ReportSeriesRow>(e =>
        {
            e.ToTable("report_series");
            e.HasKey(x => new { x.TenantId, x.Name, x.LocalDate });
            e.Property(x => x.TenantId).HasMaxLength(32);
            e.Property(x => x.Name).HasMaxLength(64);
            e.Property(x => x.UploadedBy).HasMaxLength(64);
        });
        modelBuilder.Entity<ReportPublicationRow>(e =>
        {
            e.ToTable("report_publications");
            e.HasKey(x => new { x.TenantId, x.QuestionnaireId });
            e.Property(x => x.TenantId).HasMaxLength(32);
            e.Property(x => x.QuestionnaireId).HasMaxLength(64);
            e.Property(x => x.ChangedBy).HasMaxLength(64);
        });
        modelBuilder.Entity<ReportAnnotationRow>(e =>
        {
            e.ToTable("report_annotations");
            e.HasKey(x => x.Id);
            e.Property(x => x.TenantId).HasMaxLength(32);
            e.Property(x => x.QuestionnaireId).HasMaxLength(64);
            e.Property(x => x.Kind).HasMaxLength(32);
            e.Property(x => x.Text).HasMaxLength(500);
            e.Property(x => x.CreatedBy).HasMaxLength(64);
            e.HasIndex(x => new { x.TenantId, x.QuestionnaireId, x.LocalDate }).HasDatabaseName("ix_report_annotations_day");
        });
        modelBuilder.Entity<QuestionnaireRevisionRow>(e =>
        {
            e.ToTable("questionnaire_revisions");
            e.HasKey(x => new { x.QuestionnaireId, x.Version, x.PolicyHash });
            e.Property(x => x.QuestionnaireId).HasMaxLength(64);
            e.Property(x => x.Version).HasMaxLength(32);
            e.Property(x => x.PolicyHash).HasMaxLength(64);
        });
        modelBuilder.Entity<QuestionnaireVersionRow>(e =>
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
        });
    }

    /// <summary>Column names in snake_case, configured once for every entity.</summary>
    private static void SnakeCase(ModelBuilder modelBuilder)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
            foreach (var property in entity.GetProperties())
                property.SetColumnName(string.Concat(property.Name.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString())));
    }
}

public sealed class PostgresChatSupportDbContext(DbContextOptions<PostgresChatSupportDbContext> options) : ChatSupportDbContext(options)
{
    /// <summary>timestamptz takes instants in UTC; the engine's carry the turn's offset (+09:00), so convert on the way in.</summary>
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcConverter>();

    private sealed class UtcConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTimeOffset, DateTimeOffset>(
        v => v.ToUniversalTime(), v => v);
}

public sealed class SqliteChatSupportDbContext(DbContextOptions<SqliteChatSupportDbContext> options) : ChatSupportDbContext(options)
{
    /// <summary>SQLite cannot compare or order DateTimeOffset: store instants as UTC ticks (PostgreSQL keeps timestamptz).</summary>
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();

    private sealed class UtcTicksConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
}

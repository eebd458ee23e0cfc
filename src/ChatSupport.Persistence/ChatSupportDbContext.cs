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

    /// <summary>
    /// Each table's configuration is a class of its own in Configurations/ (one <see cref="IEntityTypeConfiguration{TEntity}"/>
    /// per entity); the column names are then set in snake_case for all of them.
    /// </summary>
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ChatSupportDbContext).Assembly);
        SnakeCase(modelBuilder);
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

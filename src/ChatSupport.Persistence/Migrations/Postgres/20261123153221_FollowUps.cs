using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ChatSupport.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class FollowUps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_residents_next_follow_up",
                table: "residents");

            migrationBuilder.AddColumn<int>(
                name: "follow_up_every_days",
                table: "residents",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "follow_up_minute",
                table: "residents",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "follow_up_rule",
                table: "residents",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "follow_up_source",
                table: "residents",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "follow_up_until",
                table: "residents",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "tenant_id",
                table: "residents",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "follow_up_batches",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    tenant_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    local_date = table.Column<DateOnly>(type: "date", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    source = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    rule = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    questionnaire = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    locale = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    retry_key = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    recipients = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    last_error = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    not_before = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    chased_steps = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_follow_up_batches", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "follow_up_deliveries",
                columns: table => new
                {
                    resident_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    local_date = table.Column<DateOnly>(type: "date", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    batch_id = table.Column<long>(type: "bigint", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_follow_up_deliveries", x => new { x.resident_id, x.local_date, x.kind });
                });

            migrationBuilder.CreateTable(
                name: "message_usage",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    month = table.Column<string>(type: "character varying(7)", maxLength: 7, nullable: false),
                    messages = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_message_usage", x => new { x.tenant_id, x.month });
                });

            migrationBuilder.CreateTable(
                name: "staff_alerts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    resident_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    questionnaire_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    rule = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    response_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    raised_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    acknowledged_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    acknowledged_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    webhook_status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    webhook_attempts = table.Column<int>(type: "integer", nullable: false),
                    webhook_error = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_staff_alerts", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_residents_next_follow_up",
                table: "residents",
                columns: new[] { "tenant_id", "next_follow_up", "id" },
                filter: "next_follow_up IS NOT NULL AND NOT blocked AND NOT follow_ups_stopped");

            migrationBuilder.CreateIndex(
                name: "ix_follow_up_batches_day",
                table: "follow_up_batches",
                columns: new[] { "tenant_id", "local_date", "kind" });

            migrationBuilder.CreateIndex(
                name: "ix_follow_up_batches_status",
                table: "follow_up_batches",
                columns: new[] { "status", "not_before" });

            migrationBuilder.CreateIndex(
                name: "ux_follow_up_batches_retry_key",
                table: "follow_up_batches",
                column: "retry_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_follow_up_deliveries_batch",
                table: "follow_up_deliveries",
                column: "batch_id");

            migrationBuilder.CreateIndex(
                name: "ix_staff_alerts_tenant",
                table: "staff_alerts",
                columns: new[] { "tenant_id", "raised_at" });

            migrationBuilder.CreateIndex(
                name: "ix_staff_alerts_webhook_pending",
                table: "staff_alerts",
                column: "id",
                filter: "webhook_status = 'pending'");

            migrationBuilder.CreateIndex(
                name: "ux_staff_alerts_key",
                table: "staff_alerts",
                column: "key",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "follow_up_batches");

            migrationBuilder.DropTable(
                name: "follow_up_deliveries");

            migrationBuilder.DropTable(
                name: "message_usage");

            migrationBuilder.DropTable(
                name: "staff_alerts");

            migrationBuilder.DropIndex(
                name: "ix_residents_next_follow_up",
                table: "residents");

            migrationBuilder.DropColumn(
                name: "follow_up_every_days",
                table: "residents");

            migrationBuilder.DropColumn(
                name: "follow_up_minute",
                table: "residents");

            migrationBuilder.DropColumn(
                name: "follow_up_rule",
                table: "residents");

            migrationBuilder.DropColumn(
                name: "follow_up_source",
                table: "residents");

            migrationBuilder.DropColumn(
                name: "follow_up_until",
                table: "residents");

            migrationBuilder.DropColumn(
                name: "tenant_id",
                table: "residents");

            migrationBuilder.CreateIndex(
                name: "ix_residents_next_follow_up",
                table: "residents",
                columns: new[] { "next_follow_up", "id" });
        }
    }
}

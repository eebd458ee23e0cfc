using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ChatSupport.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LineChannel : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "source_id",
                table: "answers",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "line_inbox",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    webhook_event_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    conversation_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    event_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    timestamp = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    reply_token = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    payload = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    processed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_line_inbox", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "line_outbox",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    recipient = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    retry_key = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    reply_token = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    reply_before = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    messages = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    sent_batches = table.Column<int>(type: "integer", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    last_error = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_line_outbox", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_line_inbox_pending",
                table: "line_inbox",
                column: "id",
                filter: "status = 'pending'");

            migrationBuilder.CreateIndex(
                name: "ix_line_inbox_pending_conversation",
                table: "line_inbox",
                columns: new[] { "conversation_key", "timestamp" },
                filter: "status = 'pending'");

            migrationBuilder.CreateIndex(
                name: "ux_line_inbox_event",
                table: "line_inbox",
                column: "webhook_event_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_line_outbox_pending",
                table: "line_outbox",
                column: "id",
                filter: "status = 'pending'");

            migrationBuilder.CreateIndex(
                name: "ux_line_outbox_retry_key",
                table: "line_outbox",
                column: "retry_key",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "line_inbox");

            migrationBuilder.DropTable(
                name: "line_outbox");

            migrationBuilder.DropColumn(
                name: "source_id",
                table: "answers");
        }
    }
}

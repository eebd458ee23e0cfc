using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatSupport.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "answers",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    response_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    resident_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    question_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    answered_at = table.Column<long>(type: "INTEGER", nullable: false),
                    skipped = table.Column<bool>(type: "INTEGER", nullable: false),
                    value_text = table.Column<string>(type: "TEXT", nullable: true),
                    value_number = table.Column<decimal>(type: "TEXT", precision: 18, scale: 6, nullable: true),
                    value_bool = table.Column<bool>(type: "INTEGER", nullable: true),
                    value_date = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    value_list = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_answers", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "audit_log",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    at = table.Column<long>(type: "INTEGER", nullable: false),
                    actor = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    action = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    subject = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    details = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_log", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "residents",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    channel_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    channel_user_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    locale = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    consent_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    consent_version = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    consented_at = table.Column<long>(type: "INTEGER", nullable: true),
                    follow_up_questionnaire = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    next_follow_up = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    follow_ups_stopped = table.Column<bool>(type: "INTEGER", nullable: false),
                    blocked = table.Column<bool>(type: "INTEGER", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_residents", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "responses",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    resident_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    questionnaire_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    questionnaire_version = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    conversation_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    locale = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    started_at = table.Column<long>(type: "INTEGER", nullable: false),
                    completed_at = table.Column<long>(type: "INTEGER", nullable: true),
                    advice_categories = table.Column<string>(type: "TEXT", nullable: true),
                    escalations = table.Column<string>(type: "TEXT", nullable: true),
                    follows_up_response_id = table.Column<string>(type: "TEXT", nullable: true),
                    local_date = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    values_json = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_responses", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "state_documents",
                columns: table => new
                {
                    key = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    json = table.Column<string>(type: "TEXT", nullable: false),
                    version = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_state_documents", x => x.key);
                });

            migrationBuilder.CreateIndex(
                name: "ix_answers_question_answered",
                table: "answers",
                columns: new[] { "question_id", "answered_at" });

            migrationBuilder.CreateIndex(
                name: "ix_answers_resident",
                table: "answers",
                column: "resident_id");

            migrationBuilder.CreateIndex(
                name: "ux_answers_response_question",
                table: "answers",
                columns: new[] { "response_id", "question_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_residents_next_follow_up",
                table: "residents",
                columns: new[] { "next_follow_up", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_responses_questionnaire_started",
                table: "responses",
                columns: new[] { "questionnaire_id", "started_at" });

            migrationBuilder.CreateIndex(
                name: "ix_responses_resident_completed",
                table: "responses",
                columns: new[] { "resident_id", "completed_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "answers");

            migrationBuilder.DropTable(
                name: "audit_log");

            migrationBuilder.DropTable(
                name: "residents");

            migrationBuilder.DropTable(
                name: "responses");

            migrationBuilder.DropTable(
                name: "state_documents");
        }
    }
}

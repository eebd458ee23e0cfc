using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatSupport.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Reports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "daily_figures",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    questionnaire_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    questionnaire_version = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    local_date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    dimension = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    group_key = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    measure = table.Column<string>(type: "TEXT", maxLength: 96, nullable: false),
                    item = table.Column<string>(type: "TEXT", maxLength: 96, nullable: false),
                    count = table.Column<long>(type: "INTEGER", nullable: true),
                    value = table.Column<double>(type: "REAL", nullable: true),
                    n = table.Column<long>(type: "INTEGER", nullable: true),
                    suppressed = table.Column<bool>(type: "INTEGER", nullable: false),
                    k = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_daily_figures", x => new { x.tenant_id, x.questionnaire_id, x.dimension, x.local_date, x.questionnaire_version, x.group_key, x.measure, x.item });
                });

            migrationBuilder.CreateTable(
                name: "questionnaire_revisions",
                columns: table => new
                {
                    questionnaire_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    version = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    policy_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    first_seen_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_questionnaire_revisions", x => new { x.questionnaire_id, x.version, x.policy_hash });
                });

            migrationBuilder.CreateTable(
                name: "report_annotations",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    questionnaire_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    local_date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    text = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_report_annotations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "report_areas",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    key = table.Column<string>(type: "TEXT", maxLength: 7, nullable: false),
                    area = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    health_area = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_report_areas", x => new { x.tenant_id, x.key });
                });

            migrationBuilder.CreateTable(
                name: "report_publications",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    questionnaire_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    published = table.Column<bool>(type: "INTEGER", nullable: false),
                    changed_at = table.Column<long>(type: "INTEGER", nullable: false),
                    changed_by = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_report_publications", x => new { x.tenant_id, x.questionnaire_id });
                });

            migrationBuilder.CreateTable(
                name: "report_series",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    local_date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    value = table.Column<double>(type: "REAL", nullable: false),
                    uploaded_at = table.Column<long>(type: "INTEGER", nullable: false),
                    uploaded_by = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_report_series", x => new { x.tenant_id, x.name, x.local_date });
                });

            migrationBuilder.CreateIndex(
                name: "ix_responses_completed",
                table: "responses",
                column: "completed_at");

            migrationBuilder.CreateIndex(
                name: "ix_responses_started",
                table: "responses",
                column: "started_at");

            migrationBuilder.CreateIndex(
                name: "ix_daily_figures_day",
                table: "daily_figures",
                columns: new[] { "tenant_id", "local_date" });

            migrationBuilder.CreateIndex(
                name: "ix_daily_figures_measure",
                table: "daily_figures",
                columns: new[] { "tenant_id", "questionnaire_id", "measure", "dimension", "local_date" });

            migrationBuilder.CreateIndex(
                name: "ix_report_annotations_day",
                table: "report_annotations",
                columns: new[] { "tenant_id", "questionnaire_id", "local_date" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "daily_figures");

            migrationBuilder.DropTable(
                name: "questionnaire_revisions");

            migrationBuilder.DropTable(
                name: "report_annotations");

            migrationBuilder.DropTable(
                name: "report_areas");

            migrationBuilder.DropTable(
                name: "report_publications");

            migrationBuilder.DropTable(
                name: "report_series");

            migrationBuilder.DropIndex(
                name: "ix_responses_completed",
                table: "responses");

            migrationBuilder.DropIndex(
                name: "ix_responses_started",
                table: "responses");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatSupport.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class QuestionnaireVersions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "questionnaire_versions",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    questionnaire_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    source = table.Column<string>(type: "TEXT", nullable: false),
                    content_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    parent_version = table.Column<int>(type: "INTEGER", nullable: true),
                    state = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    valid = table.Column<bool>(type: "INTEGER", nullable: false),
                    errors = table.Column<string>(type: "TEXT", nullable: true),
                    author = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    published_at = table.Column<long>(type: "INTEGER", nullable: true),
                    published_by = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_questionnaire_versions", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ux_questionnaire_versions_published",
                table: "questionnaire_versions",
                column: "questionnaire_id",
                unique: true,
                filter: "state = 'published'");

            migrationBuilder.CreateIndex(
                name: "ux_questionnaire_versions_version",
                table: "questionnaire_versions",
                columns: new[] { "questionnaire_id", "version" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "questionnaire_versions");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatSupport.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditSubjectIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_audit_log_subject",
                table: "audit_log",
                column: "subject");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_audit_log_subject",
                table: "audit_log");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ChatSupport.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Previews : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "preview_attempts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    sender = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_preview_attempts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "preview_conversations",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    preview_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    state_key = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_preview_conversations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "previews",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    questionnaire_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    token_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    code = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    created_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_previews", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_preview_attempts_sender",
                table: "preview_attempts",
                columns: new[] { "sender", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_preview_conversations_expires_at",
                table: "preview_conversations",
                column: "expires_at");

            migrationBuilder.CreateIndex(
                name: "ix_previews_code",
                table: "previews",
                columns: new[] { "code", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "ix_previews_expires_at",
                table: "previews",
                column: "expires_at");

            migrationBuilder.CreateIndex(
                name: "ux_previews_token_hash",
                table: "previews",
                column: "token_hash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "preview_attempts");

            migrationBuilder.DropTable(
                name: "preview_conversations");

            migrationBuilder.DropTable(
                name: "previews");
        }
    }
}

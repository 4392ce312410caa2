using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CybrLink.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ConsoleGrid : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_end_users_OrganizationId",
                table: "end_users");

            migrationBuilder.AddColumn<string>(
                name: "SearchEmail",
                table: "end_users",
                type: "character varying(320)",
                maxLength: 320,
                nullable: true,
                collation: "C");

            migrationBuilder.AddColumn<string>(
                name: "SearchId",
                table: "end_users",
                type: "character varying(255)",
                maxLength: 255,
                nullable: true,
                collation: "C");

            migrationBuilder.AddColumn<string>(
                name: "SearchName",
                table: "end_users",
                type: "character varying(255)",
                maxLength: 255,
                nullable: true,
                collation: "C");

            migrationBuilder.AddColumn<bool>(
                name: "IsDemo",
                table: "connections",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            // Added by hand: the search columns of end users recorded before this migration (later writes set them).
            migrationBuilder.Sql("UPDATE end_users SET \"SearchId\" = lower(\"Id\"), \"SearchEmail\" = lower(\"Email\"), \"SearchName\" = lower(\"DisplayName\")");

            migrationBuilder.CreateIndex(
                name: "IX_end_users_CreatedAt",
                table: "end_users",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_end_users_OrganizationId_CreatedAt",
                table: "end_users",
                columns: new[] { "OrganizationId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_end_users_SearchEmail",
                table: "end_users",
                column: "SearchEmail");

            migrationBuilder.CreateIndex(
                name: "IX_end_users_SearchId",
                table: "end_users",
                column: "SearchId");

            migrationBuilder.CreateIndex(
                name: "IX_end_users_SearchName",
                table: "end_users",
                column: "SearchName");

            migrationBuilder.CreateIndex(
                name: "IX_connections_IntegrationKey_Status_CreatedAt",
                table: "connections",
                columns: new[] { "IntegrationKey", "Status", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_connections_IsDemo",
                table: "connections",
                column: "IsDemo");

            migrationBuilder.CreateIndex(
                name: "IX_connections_LastUsedAt_CreatedAt",
                table: "connections",
                columns: new[] { "LastUsedAt", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_connections_OrganizationId_CreatedAt",
                table: "connections",
                columns: new[] { "OrganizationId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_connections_Status_CreatedAt",
                table: "connections",
                columns: new[] { "Status", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_end_users_CreatedAt",
                table: "end_users");

            migrationBuilder.DropIndex(
                name: "IX_end_users_OrganizationId_CreatedAt",
                table: "end_users");

            migrationBuilder.DropIndex(
                name: "IX_end_users_SearchEmail",
                table: "end_users");

            migrationBuilder.DropIndex(
                name: "IX_end_users_SearchId",
                table: "end_users");

            migrationBuilder.DropIndex(
                name: "IX_end_users_SearchName",
                table: "end_users");

            migrationBuilder.DropIndex(
                name: "IX_connections_IntegrationKey_Status_CreatedAt",
                table: "connections");

            migrationBuilder.DropIndex(
                name: "IX_connections_IsDemo",
                table: "connections");

            migrationBuilder.DropIndex(
                name: "IX_connections_LastUsedAt_CreatedAt",
                table: "connections");

            migrationBuilder.DropIndex(
                name: "IX_connections_OrganizationId_CreatedAt",
                table: "connections");

            migrationBuilder.DropIndex(
                name: "IX_connections_Status_CreatedAt",
                table: "connections");

            migrationBuilder.DropColumn(
                name: "SearchEmail",
                table: "end_users");

            migrationBuilder.DropColumn(
                name: "SearchId",
                table: "end_users");

            migrationBuilder.DropColumn(
                name: "SearchName",
                table: "end_users");

            migrationBuilder.DropColumn(
                name: "IsDemo",
                table: "connections");

            migrationBuilder.CreateIndex(
                name: "IX_end_users_OrganizationId",
                table: "end_users",
                column: "OrganizationId");
        }
    }
}

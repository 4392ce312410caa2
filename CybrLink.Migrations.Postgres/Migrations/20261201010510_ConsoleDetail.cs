using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CybrLink.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ConsoleDetail : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ConsentIntegrationName",
                table: "connect_sessions",
                type: "character varying(255)",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ConsentLocale",
                table: "connect_sessions",
                type: "character varying(35)",
                maxLength: 35,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ConsentScopesText",
                table: "connect_sessions",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ConsentWording",
                table: "connect_sessions",
                type: "character varying(4000)",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ConsentedAt",
                table: "connect_sessions",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_connect_sessions_ConnectionId",
                table: "connect_sessions",
                column: "ConnectionId");

            migrationBuilder.CreateIndex(
                name: "IX_connect_sessions_CreatedAt",
                table: "connect_sessions",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_connect_sessions_EndUserId_CreatedAt",
                table: "connect_sessions",
                columns: new[] { "EndUserId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_connect_sessions_IntegrationKey_CreatedAt",
                table: "connect_sessions",
                columns: new[] { "IntegrationKey", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_connect_sessions_ReconnectConnectionId",
                table: "connect_sessions",
                column: "ReconnectConnectionId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_connect_sessions_ConnectionId",
                table: "connect_sessions");

            migrationBuilder.DropIndex(
                name: "IX_connect_sessions_CreatedAt",
                table: "connect_sessions");

            migrationBuilder.DropIndex(
                name: "IX_connect_sessions_EndUserId_CreatedAt",
                table: "connect_sessions");

            migrationBuilder.DropIndex(
                name: "IX_connect_sessions_IntegrationKey_CreatedAt",
                table: "connect_sessions");

            migrationBuilder.DropIndex(
                name: "IX_connect_sessions_ReconnectConnectionId",
                table: "connect_sessions");

            migrationBuilder.DropColumn(
                name: "ConsentIntegrationName",
                table: "connect_sessions");

            migrationBuilder.DropColumn(
                name: "ConsentLocale",
                table: "connect_sessions");

            migrationBuilder.DropColumn(
                name: "ConsentScopesText",
                table: "connect_sessions");

            migrationBuilder.DropColumn(
                name: "ConsentWording",
                table: "connect_sessions");

            migrationBuilder.DropColumn(
                name: "ConsentedAt",
                table: "connect_sessions");
        }
    }
}

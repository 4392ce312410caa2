using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CybrLink.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class SharedKeysAndConnectionListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_connections_EndUserId",
                table: "connections");

            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    FriendlyName = table.Column<string>(type: "TEXT", nullable: true),
                    Xml = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_connections_CreatedAt",
                table: "connections",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_connections_EndUserId_CreatedAt",
                table: "connections",
                columns: new[] { "EndUserId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_connections_IntegrationKey_CreatedAt",
                table: "connections",
                columns: new[] { "IntegrationKey", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DataProtectionKeys");

            migrationBuilder.DropIndex(
                name: "IX_connections_CreatedAt",
                table: "connections");

            migrationBuilder.DropIndex(
                name: "IX_connections_EndUserId_CreatedAt",
                table: "connections");

            migrationBuilder.DropIndex(
                name: "IX_connections_IntegrationKey_CreatedAt",
                table: "connections");

            migrationBuilder.CreateIndex(
                name: "IX_connections_EndUserId",
                table: "connections",
                column: "EndUserId");
        }
    }
}

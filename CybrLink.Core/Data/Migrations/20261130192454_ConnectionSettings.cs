using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CybrLink.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class ConnectionSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ConnectionConfigJson",
                table: "connections",
                type: "TEXT",
                maxLength: 16384,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AttemptConfigJson",
                table: "connect_sessions",
                type: "TEXT",
                maxLength: 16384,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ConnectionConfigJson",
                table: "connections");

            migrationBuilder.DropColumn(
                name: "AttemptConfigJson",
                table: "connect_sessions");
        }
    }
}

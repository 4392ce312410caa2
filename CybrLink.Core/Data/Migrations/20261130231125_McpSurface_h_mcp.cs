using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CybrLink.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class McpSurface_h_mcp : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Surface",
                table: "agent_calls",
                type: "TEXT",
                maxLength: 8,
                nullable: false,
                defaultValue: "api");

            migrationBuilder.AddColumn<string>(
                name: "Tool",
                table: "agent_calls",
                type: "TEXT",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Surface",
                table: "agent_calls");

            migrationBuilder.DropColumn(
                name: "Tool",
                table: "agent_calls");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CybrLink.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class ConsoleCalls : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "system_state",
                columns: table => new
                {
                    Key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_system_state", x => x.Key);
                });

            migrationBuilder.CreateIndex(
                name: "IX_connections_Status_IntegrationKey",
                table: "connections",
                columns: new[] { "Status", "IntegrationKey" });

            migrationBuilder.CreateIndex(
                name: "IX_connect_sessions_CreatedAt",
                table: "connect_sessions",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_agent_calls_AgentId_At",
                table: "agent_calls",
                columns: new[] { "AgentId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_agent_calls_At_Decision",
                table: "agent_calls",
                columns: new[] { "At", "Decision" });

            migrationBuilder.CreateIndex(
                name: "IX_agent_calls_Decision_At",
                table: "agent_calls",
                columns: new[] { "Decision", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_agent_calls_EndUserId_At",
                table: "agent_calls",
                columns: new[] { "EndUserId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_agent_calls_Integration_At",
                table: "agent_calls",
                columns: new[] { "Integration", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "system_state");

            migrationBuilder.DropIndex(
                name: "IX_connections_Status_IntegrationKey",
                table: "connections");

            migrationBuilder.DropIndex(
                name: "IX_connect_sessions_CreatedAt",
                table: "connect_sessions");

            migrationBuilder.DropIndex(
                name: "IX_agent_calls_AgentId_At",
                table: "agent_calls");

            migrationBuilder.DropIndex(
                name: "IX_agent_calls_At_Decision",
                table: "agent_calls");

            migrationBuilder.DropIndex(
                name: "IX_agent_calls_Decision_At",
                table: "agent_calls");

            migrationBuilder.DropIndex(
                name: "IX_agent_calls_EndUserId_At",
                table: "agent_calls");

            migrationBuilder.DropIndex(
                name: "IX_agent_calls_Integration_At",
                table: "agent_calls");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CybrLink.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class AgentAccess : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "NangoDeletePending",
                table: "connections",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "agent_calls",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CredentialKind = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    CredentialPrefix = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    EndUserId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    ConnectionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Integration = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    Action = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Method = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    Path = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    Decision = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    RuleId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    UpstreamStatus = table.Column<int>(type: "INTEGER", nullable: true),
                    LatencyMs = table.Column<int>(type: "INTEGER", nullable: false),
                    BytesIn = table.Column<long>(type: "INTEGER", nullable: false),
                    BytesOut = table.Column<long>(type: "INTEGER", nullable: true),
                    RequestId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Surface = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false, defaultValue: "api"),
                    Tool = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agent_calls", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "agents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DisabledAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "agent_keys",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    DisplayPrefix = table.Column<string>(type: "TEXT", maxLength: 18, nullable: false),
                    SecretHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    RevokedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastUsedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agent_keys", x => x.Id);
                    table.ForeignKey(
                        name: "FK_agent_keys_agents_AgentId",
                        column: x => x.AgentId,
                        principalTable: "agents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "agent_policy_versions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    RulesJson = table.Column<string>(type: "TEXT", maxLength: 262144, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agent_policy_versions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_agent_policy_versions_agents_AgentId",
                        column: x => x.AgentId,
                        principalTable: "agents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "agent_tokens",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EndUserId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    IntegrationsJson = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: true),
                    DisplayPrefix = table.Column<string>(type: "TEXT", maxLength: 15, nullable: false),
                    SecretHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RevokedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastUsedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agent_tokens", x => x.Id);
                    table.ForeignKey(
                        name: "FK_agent_tokens_agents_AgentId",
                        column: x => x.AgentId,
                        principalTable: "agents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_connections_NangoDeletePending",
                table: "connections",
                column: "NangoDeletePending");

            migrationBuilder.CreateIndex(
                name: "IX_agent_calls_AgentId_Id",
                table: "agent_calls",
                columns: new[] { "AgentId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_agent_calls_ConnectionId_Id",
                table: "agent_calls",
                columns: new[] { "ConnectionId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_agent_calls_EndUserId_Id",
                table: "agent_calls",
                columns: new[] { "EndUserId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_agent_keys_AgentId",
                table: "agent_keys",
                column: "AgentId");

            migrationBuilder.CreateIndex(
                name: "IX_agent_keys_SecretHash",
                table: "agent_keys",
                column: "SecretHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_agent_policy_versions_AgentId_Version",
                table: "agent_policy_versions",
                columns: new[] { "AgentId", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_agent_tokens_AgentId_EndUserId",
                table: "agent_tokens",
                columns: new[] { "AgentId", "EndUserId" });

            migrationBuilder.CreateIndex(
                name: "IX_agent_tokens_EndUserId",
                table: "agent_tokens",
                column: "EndUserId");

            migrationBuilder.CreateIndex(
                name: "IX_agent_tokens_SecretHash",
                table: "agent_tokens",
                column: "SecretHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_agents_Name",
                table: "agents",
                column: "Name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "agent_calls");

            migrationBuilder.DropTable(
                name: "agent_keys");

            migrationBuilder.DropTable(
                name: "agent_policy_versions");

            migrationBuilder.DropTable(
                name: "agent_tokens");

            migrationBuilder.DropTable(
                name: "agents");

            migrationBuilder.DropIndex(
                name: "IX_connections_NangoDeletePending",
                table: "connections");

            migrationBuilder.DropColumn(
                name: "NangoDeletePending",
                table: "connections");
        }
    }
}

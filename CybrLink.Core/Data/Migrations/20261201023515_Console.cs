using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CybrLink.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class Console : Migration
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
                type: "TEXT",
                maxLength: 320,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SearchId",
                table: "end_users",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SearchName",
                table: "end_users",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "IsDemo",
                table: "connections",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "ConsentIntegrationName",
                table: "connect_sessions",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ConsentLocale",
                table: "connect_sessions",
                type: "TEXT",
                maxLength: 35,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ConsentScopesText",
                table: "connect_sessions",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ConsentWording",
                table: "connect_sessions",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ConsentedAt",
                table: "connect_sessions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Hash",
                table: "audit_events",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "PreviousHash",
                table: "audit_events",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<long>(
                name: "Sequence",
                table: "audit_events",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "audit_chain_head",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false),
                    last_sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    last_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    anchor_sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    anchor_previous_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_chain_head", x => x.id);
                });

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

            migrationBuilder.InsertData(
                table: "audit_chain_head",
                columns: new[] { "id", "anchor_previous_hash", "anchor_sequence", "last_hash", "last_sequence" },
                values: new object[] { 1, "0000000000000000000000000000000000000000000000000000000000000000", 1L, "0000000000000000000000000000000000000000000000000000000000000000", 0L });

            // Events written before the chain existed: numbered by time here (before the unique index), hashed by
            // AuditChainSealer after migrating.
            migrationBuilder.Sql("""
                UPDATE audit_events SET "Sequence" = (SELECT COUNT(*) FROM audit_events b
                  WHERE b."At" < audit_events."At" OR (b."At" = audit_events."At" AND b."Id" <= audit_events."Id"))
                """);
            migrationBuilder.Sql("UPDATE audit_chain_head SET last_sequence = (SELECT COUNT(*) FROM audit_events) WHERE id = 1");

            // End users from before the search columns: fill them (lower() folds ASCII on SQLite, all letters on PostgreSQL).
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

            migrationBuilder.CreateIndex(
                name: "IX_connections_Status_IntegrationKey",
                table: "connections",
                columns: new[] { "Status", "IntegrationKey" });

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

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_Sequence",
                table: "audit_events",
                column: "Sequence",
                unique: true);

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
                name: "audit_chain_head");

            migrationBuilder.DropTable(
                name: "system_state");

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

            migrationBuilder.DropIndex(
                name: "IX_connections_Status_IntegrationKey",
                table: "connections");

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

            migrationBuilder.DropIndex(
                name: "IX_audit_events_Sequence",
                table: "audit_events");

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

            migrationBuilder.DropColumn(
                name: "Hash",
                table: "audit_events");

            migrationBuilder.DropColumn(
                name: "PreviousHash",
                table: "audit_events");

            migrationBuilder.DropColumn(
                name: "Sequence",
                table: "audit_events");

            migrationBuilder.CreateIndex(
                name: "IX_end_users_OrganizationId",
                table: "end_users",
                column: "OrganizationId");
        }
    }
}

using CybrLink.Tests.AgentCalls;
using CybrLink.Tests.Agents;
using CybrLink.Tests.Api;
using CybrLink.Tests.Catalog;
using CybrLink.Tests.Connect;
using CybrLink.Tests.Connections;
using CybrLink.Tests.ConnectSessions;
using CybrLink.Tests.Infrastructure;
using CybrLink.Tests.NangoSync;
using CybrLink.Tests.Operators;

namespace CybrLink.Tests.Postgres;

// The same tests, re-run with CybrLink on a fresh PostgreSQL database per host: every [Fact] and [Theory] of the base
// class runs again here. A representative subset (the API, the connect flow, webhooks, reconciliation, the catalog,
// operators and server keys, revocation, the agent-call writer and list, agents and their credentials, policies), not
// the whole suite: the rest does not depend on the database provider.
// Without CYBRLINK_TEST_POSTGRES these fail (TestDatabase says why); test.sh provides a cluster.

public sealed class ConnectSessionsApiOnPostgres : ConnectSessionsApiTests
{
    protected override TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Postgres;
}

public sealed class ConnectFlowOnPostgres : ConnectFlowTests
{
    protected override TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Postgres;
}

public sealed class NangoWebhookReceiverOnPostgres : NangoWebhookReceiverTests
{
    protected override TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Postgres;
}

public sealed class WebhookDeliveryOnPostgres : WebhookDeliveryTests
{
    protected override TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Postgres;
}

public sealed class ReconciliationOnPostgres : ReconciliationTests
{
    protected override TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Postgres;
}

public sealed class CatalogMissOnPostgres : CatalogMissTests
{
    protected override TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Postgres;
}

public sealed class ServerKeyAuthenticationOnPostgres : ServerKeyAuthenticationTests
{
    protected override TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Postgres;
}

public sealed class SessionRevocationOnPostgres : SessionRevocationTests
{
    protected override TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Postgres;
}

public sealed class RevocationOnPostgres : RevocationTests
{
    protected override TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Postgres;
}

public sealed class AgentsApiOnPostgres : AgentsApiTests
{
    protected override TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Postgres;
}

public sealed class OffboardingOnPostgres : OffboardingTests
{
    protected override TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Postgres;
}

public sealed class AgentCallWriterOnPostgres : AgentCallWriterTests
{
    protected override TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Postgres;
}

public sealed class AgentCallsApiOnPostgres : AgentCallsApiTests
{
    protected override TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Postgres;
}

public sealed class PoliciesApiOnPostgres : CybrLink.Tests.Policies.PoliciesApiTests
{
    protected override TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Postgres;
}

public sealed class AgentAuthenticationOnPostgres : AgentAuthenticationTests
{
    protected override TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Postgres;
}

public sealed class AgentApiOnPostgres : CybrLink.Tests.AgentAccess.AgentApiTests
{
    protected override TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Postgres;
}

public sealed class McpClientOnPostgres : Mcp.McpClientTests
{
    protected override TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Postgres;
}

public sealed class ConnectionQueryOnPostgres : ConnectionQueryTests
{
    protected override TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Postgres;
}

public sealed class DemoDataOnPostgres : Demo.DemoDataTests
{
    protected override TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Postgres;
}

public sealed class ConsentRecordOnPostgres : ConsentRecordTests
{
    protected override TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Postgres;
}

public sealed class OperatorAdminOnPostgres : OperatorAdminTests
{
    protected override TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Postgres;
}

public sealed class OverviewQueryOnPostgres : Reporting.OverviewQueryTests
{
    protected override TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Postgres;
}

public sealed class PolicyWhatIfOnPostgres : CybrLink.Tests.Policies.PolicyWhatIfTests
{
    protected override TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Postgres;
}

public sealed class AuditChainOnPostgres : Audit.AuditChainTests
{
    protected override TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Postgres;
}

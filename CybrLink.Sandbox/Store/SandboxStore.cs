using CybrLink.Sandbox.Seed;

namespace CybrLink.Sandbox.Store;

/// <summary>
/// The emulator's whole state, in memory and thread-safe. It is the sandbox's own store, never CybrLink's
/// database, exactly as a real Nango keeps its own PostgreSQL: it vanishes when the process stops.
/// </summary>
internal sealed class SandboxStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Provider> _providers;
    private readonly Dictionary<string, Integration> _integrations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConnectSession> _sessions = new(StringComparer.Ordinal);
    private readonly List<Connection> _connections = [];
    private readonly Dictionary<string, PendingOAuth> _pendingOAuth = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IssuedCode> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IssuedRefreshToken> _refreshTokens = new(StringComparer.Ordinal);
    private long _nextConnectionId = 1;

    public SandboxStore(TimeProvider time)
    {
        _providers = SeedCatalog.Providers.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var now = time.GetUtcNow();
        foreach (var integration in SeedCatalog.Integrations(now))
            _integrations[integration.UniqueKey] = integration;
    }

    // Providers are the fixed catalog.
    public IReadOnlyList<Provider> Providers => [.. _providers.Values.OrderBy(p => p.Name, StringComparer.Ordinal)];

    public Provider? FindProvider(string name) => _providers.GetValueOrDefault(name);

    // Integrations
    public IReadOnlyList<Integration> Integrations()
    {
        lock (_gate)
            return [.. _integrations.Values.OrderBy(i => i.CreatedAt).ThenBy(i => i.UniqueKey, StringComparer.Ordinal)];
    }

    public Integration? FindIntegration(string uniqueKey)
    {
        lock (_gate)
            return _integrations.GetValueOrDefault(uniqueKey);
    }

    public bool TryAddIntegration(Integration integration)
    {
        lock (_gate)
            return _integrations.TryAdd(integration.UniqueKey, integration);
    }

    public UpdateOutcome TryUpdateIntegration(string uniqueKey, Func<Integration, Integration> update)
    {
        lock (_gate)
        {
            if (!_integrations.TryGetValue(uniqueKey, out var current))
                return UpdateOutcome.NotFound;
            var next = update(current);
            if (next.UniqueKey != uniqueKey)
            {
                if (_integrations.ContainsKey(next.UniqueKey))
                    return UpdateOutcome.KeyTaken;
                // Note: Nango refuses to rename an integration that still has connections.
                if (_connections.Any(c => !c.Deleted && c.ProviderConfigKey == uniqueKey))
                    return UpdateOutcome.HasConnections;
                _integrations.Remove(uniqueKey);
            }
            _integrations[next.UniqueKey] = next;
            return UpdateOutcome.Updated;
        }
    }

    /// <summary>Deletes an integration and soft-deletes its connections, as Nango's <c>deleteProviderConfig</c> does.</summary>
    public bool DeleteIntegration(string uniqueKey)
    {
        lock (_gate)
        {
            if (!_integrations.Remove(uniqueKey))
                return false;
            for (var i = 0; i < _connections.Count; i++)
                if (_connections[i].ProviderConfigKey == uniqueKey)
                    _connections[i] = _connections[i] with { Deleted = true };
            return true;
        }
    }

    // Connect sessions
    public void AddSession(ConnectSession session)
    {
        lock (_gate)
            _sessions[session.Token] = session;
    }

    public ConnectSession? FindSession(string token, DateTimeOffset now)
    {
        lock (_gate)
            return _sessions.TryGetValue(token, out var session) && session.ExpiresAt > now ? session : null;
    }

    public bool DeleteSession(string token)
    {
        lock (_gate)
            return _sessions.Remove(token);
    }

    // Connections
    public IReadOnlyList<Connection> LiveConnections()
    {
        lock (_gate)
            return [.. _connections.Where(c => !c.Deleted)];
    }

    public Connection? FindConnection(string providerConfigKey, string connectionId)
    {
        lock (_gate)
            return _connections.FirstOrDefault(c => !c.Deleted && c.ProviderConfigKey == providerConfigKey && c.ConnectionId == connectionId);
    }

    /// <summary>
    /// Creates the connection, or overwrites a live one with the same key and id (Nango's "override": new
    /// credentials, same connection id, refresh errors cleared).
    /// </summary>
    public (Connection Connection, bool Overridden) Upsert(string providerConfigKey, string connectionId, Func<long, Connection?, Connection> build)
    {
        lock (_gate)
        {
            var index = _connections.FindIndex(c => !c.Deleted && c.ProviderConfigKey == providerConfigKey && c.ConnectionId == connectionId);
            if (index >= 0)
            {
                var current = _connections[index];
                var overridden = build(current.Id, current);
                _connections[index] = overridden;
                return (overridden, true);
            }
            var created = build(_nextConnectionId++, null);
            _connections.Add(created);
            return (created, false);
        }
    }

    /// <summary>Replaces a live connection atomically; null when it is gone.</summary>
    public Connection? Update(string providerConfigKey, string connectionId, Func<Connection, Connection> update)
    {
        lock (_gate)
        {
            var index = _connections.FindIndex(c => !c.Deleted && c.ProviderConfigKey == providerConfigKey && c.ConnectionId == connectionId);
            if (index < 0)
                return null;
            _connections[index] = update(_connections[index]);
            return _connections[index];
        }
    }

    public bool SoftDelete(string providerConfigKey, string connectionId) =>
        Update(providerConfigKey, connectionId, c => c with { Deleted = true }) is not null;

    // OAuth round trip
    public void AddPendingOAuth(PendingOAuth pending)
    {
        lock (_gate)
            _pendingOAuth[pending.State] = pending;
    }

    public PendingOAuth? TakePendingOAuth(string state)
    {
        lock (_gate)
            return _pendingOAuth.Remove(state, out var pending) ? pending : null;
    }

    // Mock provider grants
    public void AddCode(IssuedCode code)
    {
        lock (_gate)
            _codes[code.Code] = code;
    }

    /// <summary>Codes are single use: taking one removes it.</summary>
    public IssuedCode? TakeCode(string code)
    {
        lock (_gate)
            return _codes.Remove(code, out var issued) ? issued : null;
    }

    public void AddRefreshToken(IssuedRefreshToken token)
    {
        lock (_gate)
            _refreshTokens[token.Token] = token;
    }

    public IssuedRefreshToken? FindRefreshToken(string token)
    {
        lock (_gate)
            return _refreshTokens.GetValueOrDefault(token);
    }
}

internal enum UpdateOutcome { Updated, NotFound, KeyTaken, HasConnections }

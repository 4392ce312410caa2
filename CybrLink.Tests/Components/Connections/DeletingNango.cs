using System.Collections.Concurrent;
using System.Net;
using CybrLink.Core.Nango;

namespace CybrLink.Tests.Components.Connections;

/// <summary>
/// Nango, the edge, for the console's revoke tests: each connection delete waits until the test releases it with
/// an answer, so a test can look at the page between the steps. Nothing else is expected to be called.
/// </summary>
public sealed class DeletingNango : INangoApi
{
    private readonly ConcurrentQueue<TaskCompletionSource<Func<NangoSuccess>>> _pending = new();
    private readonly SemaphoreSlim _arrived = new(0);

    public int Deletes { get; private set; }

    /// <summary>Answers the next delete (waiting for it to arrive) with success.</summary>
    public Task SucceedNextAsync() => ReleaseNextAsync(() => new NangoSuccess(true));

    /// <summary>Answers the next delete with Nango refusing it.</summary>
    public Task FailNextAsync(HttpStatusCode status, string code) =>
        ReleaseNextAsync(() => throw new NangoApiException(status, code, "refused", []));

    private async Task ReleaseNextAsync(Func<NangoSuccess> answer)
    {
        if (!await _arrived.WaitAsync(TimeSpan.FromSeconds(10)))
        {
            throw new TimeoutException("CybrLink never asked Nango to delete the connection.");
        }

        _pending.TryDequeue(out var next);
        next!.SetResult(answer);
    }

    public async Task<NangoSuccess> DeleteConnectionAsync(string connectionId, string providerConfigKey, CancellationToken ct = default)
    {
        Deletes++;
        var answer = new TaskCompletionSource<Func<NangoSuccess>>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending.Enqueue(answer);
        _arrived.Release();
        return (await answer.Task.WaitAsync(ct))();
    }

    public Task<NangoHealth> GetHealthAsync(CancellationToken ct = default) => throw Unexpected();
    public Task<NangoData<IReadOnlyList<NangoProvider>>> ListProvidersAsync(string? search = null, CancellationToken ct = default) => throw Unexpected();
    public Task<NangoData<NangoProvider>> GetProviderAsync(string name, CancellationToken ct = default) => throw Unexpected();
    public Task<NangoData<IReadOnlyList<NangoIntegration>>> ListIntegrationsAsync(CancellationToken ct = default) => throw Unexpected();
    public Task<NangoData<NangoIntegration>> GetIntegrationAsync(string uniqueKey, CancellationToken ct = default) => throw Unexpected();
    public Task<NangoData<NangoIntegration>> CreateIntegrationAsync(NangoCreateIntegrationRequest request, CancellationToken ct = default) => throw Unexpected();
    public Task<NangoData<NangoIntegration>> UpdateIntegrationAsync(string uniqueKey, NangoUpdateIntegrationRequest request, CancellationToken ct = default) => throw Unexpected();
    public Task<NangoSuccess> DeleteIntegrationAsync(string uniqueKey, CancellationToken ct = default) => throw Unexpected();
    public Task<NangoData<NangoConnectSession>> CreateConnectSessionAsync(NangoCreateConnectSessionRequest request, CancellationToken ct = default) => throw Unexpected();
    public Task<NangoData<NangoConnectSession>> CreateReconnectSessionAsync(NangoReconnectSessionRequest request, CancellationToken ct = default) => throw Unexpected();
    public Task DeleteConnectSessionAsync(string connectSessionToken, CancellationToken ct = default) => Task.CompletedTask;
    public Task<NangoConnectionList> ListConnectionsAsync(IDictionary<string, string> query, CancellationToken ct = default) => throw Unexpected();

    private static InvalidOperationException Unexpected() => new("The console test did not expect this Nango call.");
}

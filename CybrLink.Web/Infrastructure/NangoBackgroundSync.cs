using CybrLink.Core.Connections;
using CybrLink.Core.NangoSync;
using CybrLink.Core.Nango;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Infrastructure;

/// <summary>Runs <see cref="NangoSyncJob"/> unless <c>Nango:BackgroundSync</c> is false (tests drive it themselves).</summary>
internal sealed class NangoBackgroundSync(NangoSyncJob job, IOptions<NangoOptions> nango) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        nango.Value.BackgroundSync ? job.StartAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) =>
        nango.Value.BackgroundSync ? job.StopAsync(cancellationToken) : Task.CompletedTask;
}

using CybrLink.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Web.Console.Shared;

/// <summary>How the console names an integration: its display name and logo (null when it has none).</summary>
public sealed record IntegrationInfo(string Key, string Name, string? LogoUrl);

/// <summary>
/// The catalog's names and logos, read once per console tab (the catalog is small), so every page can show an
/// integration the way the Connect UI does instead of its key.
/// </summary>
public sealed class IntegrationDirectory(IDbContextFactory<CybrLinkDbContext> dbFactory)
{
    private Dictionary<string, IntegrationInfo>? _all;

    public async Task<IReadOnlyDictionary<string, IntegrationInfo>> AllAsync(CancellationToken ct = default)
    {
        if (_all is null)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            _all = await db.Integrations.AsNoTracking()
                .Select(i => new IntegrationInfo(i.Key, i.DisplayName, i.LogoUrl))
                .ToDictionaryAsync(i => i.Key, StringComparer.Ordinal, ct);
        }

        return _all;
    }

    /// <summary>The integration, or its bare key when the catalog no longer has it.</summary>
    public async Task<IntegrationInfo> GetAsync(string key, CancellationToken ct = default) =>
        (await AllAsync(ct)).GetValueOrDefault(key) ?? new IntegrationInfo(key, key, null);
}

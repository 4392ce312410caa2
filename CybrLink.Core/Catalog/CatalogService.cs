using CybrLink.Core.Data;
using CybrLink.Core.Nango;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CybrLink.Core.Catalog;

public sealed record CatalogEntry(
    string Key, string Provider, string DisplayName, string? LogoUrl, string AuthMode, bool Enabled,
    string? Description, string? Category, string? RequestedScopes, IntegrationFields Fields);

/// <summary>The app catalog: Nango's integrations joined with their providers, stored with what CybrLink adds.</summary>
public sealed partial class CatalogService(
    IDbContextFactory<CybrLinkDbContext> dbFactory, INangoApi nango, CatalogMisses misses, TimeProvider time,
    ILogger<CatalogService> logger)
{
    /// <summary>Reads Nango's integrations and providers and updates the catalog. New integrations start enabled.</summary>
    public async Task<int> RefreshAsync(CancellationToken ct = default)
    {
        var integrations = (await nango.ListIntegrationsAsync(ct)).Data;
        var providers = new Dictionary<string, NangoProvider?>(StringComparer.Ordinal);
        foreach (var provider in integrations.Select(i => i.Provider).Distinct())
        {
            providers[provider] = await TryGetProviderAsync(provider, ct);
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StoreAsync(integrations, providers, ct);
                break;
            }
            catch (DbUpdateException) when (attempt < 3 && !ct.IsCancellationRequested)
            {
                // Another instance refreshing at the same moment inserted the same integrations first: read its rows
                // and update them instead.
            }
        }

        misses.Refreshed();
        return integrations.Count;
    }

    private async Task StoreAsync(
        IReadOnlyList<NangoIntegration> integrations, Dictionary<string, NangoProvider?> providers, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var existing = await db.Integrations.ToDictionaryAsync(i => i.Key, ct);
        var now = time.GetUtcNow();
        foreach (var integration in integrations)
        {
            var provider = providers[integration.Provider];
            if (!existing.TryGetValue(integration.UniqueKey, out var entry))
            {
                entry = new CatalogIntegration
                {
                    Key = integration.UniqueKey,
                    Provider = integration.Provider,
                    DisplayName = "",
                    AuthMode = "",
                    Category = provider?.Categories?.FirstOrDefault(),
                };
                db.Integrations.Add(entry);
            }

            entry.Provider = integration.Provider;
            entry.DisplayName = integration.DisplayName ?? provider?.DisplayName ?? integration.UniqueKey;
            entry.LogoUrl = integration.Logo ?? provider?.LogoUrl;
            entry.AuthMode = provider?.AuthMode ?? "UNKNOWN";
            entry.FieldsJson = (provider is null ? IntegrationFields.None : IntegrationFields.FromProvider(provider)).ToJson();
            entry.InNango = true;
            entry.SyncedAt = now;
        }

        var keys = integrations.Select(i => i.UniqueKey).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in existing.Values.Where(e => e.InNango && !keys.Contains(e.Key)))
        {
            gone.InNango = false;
            gone.SyncedAt = now;
        }

        await db.SaveChangesAsync(ct);
    }

    /// <summary>Whether the catalog was ever read from Nango.</summary>
    public async Task<bool> HasSyncedAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Integrations.AnyAsync(ct);
    }

    public async Task<IReadOnlyList<CatalogEntry>> ListAsync(bool enabledOnly, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Integrations.AsNoTracking()
            .Where(i => i.InNango && (!enabledOnly || i.Enabled))
            .OrderBy(i => i.DisplayName)
            .ToListAsync(ct);
        return [.. rows.Select(ToEntry)];
    }

    /// <summary>An entry that can be offered (in Nango and enabled), or null.</summary>
    public async Task<CatalogEntry?> FindOfferedAsync(string key, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Integrations.AsNoTracking().SingleOrDefaultAsync(i => i.Key == key && i.InNango && i.Enabled, ct);
        return row is null ? null : ToEntry(row);
    }

    /// <summary>
    /// An entry that can be offered. A key the catalog has never seen may have been added to Nango since the last
    /// refresh: the catalog is re-read for it, but an unknown key does not trigger a re-read on every request.
    /// </summary>
    public async Task<CatalogEntry?> FindOfferedOrRefreshAsync(string key, CancellationToken ct = default)
    {
        if (await FindOfferedAsync(key, ct) is { } offered)
        {
            return offered;
        }

        if (misses.IsRecentMiss(key))
        {
            return null;
        }

        if (await FindAsync(key, ct) is not null)
        {
            // Known (perhaps only since a refresh that finished a moment ago): offered or not, no refresh needed.
            return await FindOfferedAsync(key, ct);
        }

        return await misses.SerializeAsync(async mayRefresh =>
        {
            // Another request may have refreshed while this one waited.
            var found = await FindOfferedAsync(key, ct);
            if (found is not null || !mayRefresh)
            {
                return found ?? Miss(key);
            }

            await RefreshAsync(ct);
            return await FindOfferedAsync(key, ct) ?? Miss(key);
        }, ct);
    }

    private CatalogEntry? Miss(string key)
    {
        misses.RememberMiss(key);
        return null;
    }

    public async Task<CatalogEntry?> FindAsync(string key, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Integrations.AsNoTracking().SingleOrDefaultAsync(i => i.Key == key, ct);
        return row is null ? null : ToEntry(row);
    }

    /// <summary>Changes what CybrLink adds to an entry. False if there is no such entry.</summary>
    public async Task<bool> UpdateAsync(
        string key, bool enabled, string? description, string? category, string? requestedScopes, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var changed = await db.Integrations.Where(i => i.Key == key).ExecuteUpdateAsync(s => s
            .SetProperty(i => i.Enabled, enabled)
            .SetProperty(i => i.Description, description)
            .SetProperty(i => i.Category, category)
            .SetProperty(i => i.RequestedScopes, requestedScopes), ct);
        return changed == 1;
    }

    private async Task<NangoProvider?> TryGetProviderAsync(string provider, CancellationToken ct)
    {
        try
        {
            return (await nango.GetProviderAsync(provider, ct)).Data;
        }
        catch (NangoApiException e)
        {
            // An integration whose provider Nango no longer describes is still listed, without form fields.
            LogProviderMissing(logger, provider, e.Code);
            return null;
        }
    }

    private static CatalogEntry ToEntry(CatalogIntegration i) => new(
        i.Key, i.Provider, i.DisplayName, i.LogoUrl, i.AuthMode, i.Enabled, i.Description, i.Category, i.RequestedScopes,
        IntegrationFields.FromJson(i.FieldsJson));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Nango did not describe provider {Provider} ({Code}); its integrations have no form fields")]
    private static partial void LogProviderMissing(ILogger logger, string provider, string code);
}

using CybrLink.Core.Data;
using CybrLink.Core.Policies;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.Actions;

/// <summary>
/// Tells the policy validator whether an action key exists for an integration, so a typo in a policy is refused (422)
/// instead of silently never matching. An integration the catalog does not know yet cannot be checked and passes.
/// </summary>
public static class ActionKeyCheck
{
    public static ActionKeyExists For(IDbContextFactory<CybrLinkDbContext> dbFactory, ActionCatalog catalog) =>
        (integration, actionKey) =>
        {
            using var db = dbFactory.CreateDbContext();
            var provider = db.Integrations.Where(i => i.Key == integration).Select(i => i.Provider).FirstOrDefault();
            return provider is null || catalog.Find(provider, actionKey) is not null;
        };
}

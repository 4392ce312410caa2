using System.Collections.Frozen;
using Json.Schema;

namespace CybrLink.Core.Actions;

/// <summary>
/// Every typed action CybrLink offers, by Nango provider. Built once at start from the manifests; a broken manifest
/// throws <see cref="ActionManifestException"/> from the constructor (one sentence naming the file and JSON path), which
/// the web host turns into a start-up failure.
/// </summary>
public sealed class ActionCatalog
{
    private readonly FrozenDictionary<string, IReadOnlyList<ActionDefinition>> _byProvider;

    /// <param name="sources">The manifests to load: <see cref="ActionManifestSource.Embedded"/> in the app, anything in tests.</param>
    public ActionCatalog(IEnumerable<ActionManifestSource> sources)
    {
        // One registry per catalog: input schemas are registered under their base URI as they are built, and two
        // catalogs (tests) must not see each other's.
        var schemaOptions = new BuildOptions { Dialect = Dialect.Draft202012, SchemaRegistry = new SchemaRegistry() };
        var byProvider = new Dictionary<string, IReadOnlyList<ActionDefinition>>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            var actions = ActionManifestLoader.Load(source, schemaOptions);
            if (!byProvider.TryAdd(actions[0].Provider, actions))
            {
                throw new ActionManifestException($"Action manifest {source.FileName} is invalid at /provider: another manifest already declares \"{actions[0].Provider}\".");
            }
        }

        _byProvider = byProvider.ToFrozenDictionary(StringComparer.Ordinal);
        Providers = _byProvider.Keys.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The catalog of the manifests shipped in CybrLink.Core.</summary>
    public static ActionCatalog LoadEmbedded() => new(ActionManifestSource.Embedded());

    /// <summary>The Nango provider names that have actions, sorted.</summary>
    public IReadOnlyCollection<string> Providers { get; }

    /// <summary>The actions of a Nango provider in manifest order; empty for a provider without a manifest.</summary>
    public IReadOnlyList<ActionDefinition> ForProvider(string provider) =>
        _byProvider.TryGetValue(provider, out var actions) ? actions : [];

    /// <summary>One action by provider and key, or null.</summary>
    public ActionDefinition? Find(string provider, string key) =>
        ForProvider(provider).FirstOrDefault(a => a.Key == key);
}

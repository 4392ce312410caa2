using System.Text.Json;
using System.Text.Json.Nodes;

namespace CybrLink.Sandbox.Infrastructure;

/// <summary>
/// The sandbox's own serializer settings. Every wire record names its properties explicitly, so the host
/// application's global JSON options (when mounted inside CybrLink.Web) never change the contract.
/// </summary>
internal static class SandboxJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>Compact JSON with object keys sorted recursively, as Nango's <c>safe-stable-stringify</c> writes webhooks.</summary>
    public static string SerializeSorted<T>(T value)
    {
        var node = JsonSerializer.SerializeToNode(value, Options);
        return Sort(node)?.ToJsonString(Options) ?? "null";
    }

    private static JsonNode? Sort(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sort(p.Value?.DeepClone())))),
        JsonArray array => new JsonArray(array.Select(item => Sort(item?.DeepClone())).ToArray()),
        _ => node?.DeepClone(),
    };
}

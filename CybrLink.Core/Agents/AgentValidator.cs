using CybrLink.Core.Catalog;
using CybrLink.Core.EndUsers;
using CybrLink.Core.Validation;

namespace CybrLink.Core.Agents;

/// <summary>
/// The one place the fields of agent requests are checked. Failures name the field as the JSON spells it (422).
/// </summary>
public static class AgentValidator
{
    public const int MinTokenTtlSeconds = 60;
    public const int MaxTokenTtlSeconds = 86_400;
    public const int MaxTokenIntegrations = 50;

    /// <summary>A name of 1..100 visible characters, trimmed.</summary>
    public static string Name(string? name, string field = "name")
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > Agent.MaxNameLength)
        {
            throw new AgentValidationException(field, $"A name of 1 to {Agent.MaxNameLength} characters is required.");
        }

        return Visible(field, trimmed);
    }

    /// <summary>Null stays null; an empty description clears it.</summary>
    public static string? Description(string? description)
    {
        if (description is null)
        {
            return null;
        }

        if (description.Length > Agent.MaxDescriptionLength)
        {
            throw new AgentValidationException("description", $"At most {Agent.MaxDescriptionLength} characters.");
        }

        // Line breaks and tabs are how a longer description is written; every other control character is refused.
        return TextRules.HasInvisibleOrControl(description.ReplaceLineEndings(" ").Replace('\t', ' '))
            ? throw new AgentValidationException("description", "Must not contain control, zero-width or text-direction characters.")
            : description.Trim();
    }

    public static CreateAgentKeyCommand Key(CreateAgentKeyCommand command, DateTimeOffset now)
    {
        var name = command.Name is null ? null : Name(command.Name);
        if (command.ExpiresAt is { } expires && expires <= now)
        {
            throw new AgentValidationException("expires_at", "Must be in the future.");
        }

        return command with { Name = name };
    }

    /// <summary>The checked token request; the integration keys are checked against the catalog by the caller.</summary>
    public static (string EndUserId, TimeSpan Lifetime, IReadOnlyList<string>? Integrations) Token(CreateAgentTokenCommand command)
    {
        var endUserId = command.EndUserId;
        if (string.IsNullOrWhiteSpace(endUserId) || endUserId.Length > EndUser.MaxIdLength)
        {
            throw new AgentValidationException("end_user_id", $"An end user id of 1 to {EndUser.MaxIdLength} characters is required.");
        }

        Visible("end_user_id", endUserId);
        if (command.TtlSeconds is not (>= MinTokenTtlSeconds and <= MaxTokenTtlSeconds))
        {
            throw new AgentValidationException("ttl_seconds", $"Must be between {MinTokenTtlSeconds} and {MaxTokenTtlSeconds} seconds.");
        }

        return (endUserId, TimeSpan.FromSeconds(command.TtlSeconds.Value), Integrations(command.Integrations));
    }

    private static IReadOnlyList<string>? Integrations(IReadOnlyList<string>? integrations)
    {
        if (integrations is null)
        {
            return null;
        }

        // Note: an empty list would read as "no restriction" to anyone who forgets the difference between [] and null;
        // refusing it keeps "limited to nothing" from silently becoming "limited to everything".
        if (integrations.Count is 0 or > MaxTokenIntegrations)
        {
            throw new AgentValidationException("integrations",
                $"List 1 to {MaxTokenIntegrations} integration keys, or leave the field out for every integration the policy allows.");
        }

        for (var i = 0; i < integrations.Count; i++)
        {
            var key = integrations[i];
            var field = $"integrations[{i}]";
            if (string.IsNullOrWhiteSpace(key) || key.Length > CatalogIntegration.MaxKeyLength || TextRules.HasInvisibleOrControl(key))
            {
                throw new AgentValidationException(field, $"An integration key of 1 to {CatalogIntegration.MaxKeyLength} visible characters is required.");
            }

            if (integrations.Take(i).Contains(key, StringComparer.Ordinal))
            {
                throw new AgentValidationException(field, $"'{key}' is listed twice.");
            }
        }

        return integrations;
    }

    private static string Visible(string field, string value) =>
        TextRules.HasInvisibleOrControl(value)
            ? throw new AgentValidationException(field, "Must not contain control, zero-width or text-direction characters.")
            : value;
}

using System.Text.Json;
using System.Text.RegularExpressions;
using CybrLink.Core.Data;
using CybrLink.Core.EndUsers;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Core.Policies;

/// <summary>
/// A dry-run question: may the agent do this for this end user? Either <see cref="Action"/> (with an optional
/// <see cref="Input"/>; without one, conditions are not evaluated) or <see cref="Method"/> + <see cref="Path"/> (the raw
/// path as the agent would send it), or neither to ask about the integration as a whole.
/// </summary>
public sealed record PolicyDryRunCommand(
    string? EndUserId, string? Integration, string? Action = null, string? Method = null, string? Path = null, JsonElement? Input = null);

/// <summary>
/// Answers <see cref="PolicyDryRunCommand"/>s with the same evaluator the agent surfaces use, without side effects: it
/// reads the policy and the end user's organization and writes nothing.
/// </summary>
public sealed partial class PolicyDryRun(IDbContextFactory<CybrLinkDbContext> dbFactory, PolicyStore store, TimeProvider time)
{
    public async Task<PolicyDecision> EvaluateAsync(Guid agentId, PolicyDryRunCommand command, CancellationToken ct = default)
    {
        var errors = Validate(command);
        if (errors.Count > 0)
        {
            throw new PolicyValidationException(errors);
        }

        string? path = null;
        if (command.Path is not null)
        {
            var normalized = AgentPaths.Normalize(command.Path);
            path = normalized.Path ?? throw new PolicyProblemException(PolicyProblem.InvalidPath, normalized.Error);
        }

        string? organizationId;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (!await db.Agents.AnyAsync(a => a.Id == agentId, ct))
            {
                throw new PolicyProblemException(PolicyProblem.AgentNotFound, "No such agent.");
            }

            organizationId = await db.EndUsers.AsNoTracking().Where(u => u.Id == command.EndUserId)
                .Select(u => u.OrganizationId).FirstOrDefaultAsync(ct);
        }

        var policy = await store.LoadAsync(agentId, ct);
        var request = new PolicyRequest(agentId, command.EndUserId!, organizationId, command.Integration!, command.Action,
            command.Method?.ToUpperInvariant(), path,
            command.Input is { ValueKind: JsonValueKind.Object } input ? input : null);
        return PolicyEvaluator.Evaluate(policy, request, time.GetUtcNow());
    }

    private static Dictionary<string, string[]> Validate(PolicyDryRunCommand command)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(command.EndUserId) || command.EndUserId.Length > EndUser.MaxIdLength)
        {
            errors["end_user_id"] = [$"An end user id of 1 to {EndUser.MaxIdLength} characters is required."];
        }

        if (string.IsNullOrEmpty(command.Integration) || command.Integration.Length > PolicyValidator.MaxIntegrationKeyLength)
        {
            errors["integration"] = [$"An integration key of 1 to {PolicyValidator.MaxIntegrationKeyLength} characters is required."];
        }

        if (command.Action is not null && command.Method is not null)
        {
            errors["action"] = ["Give either action, or method and path, not both."];
        }
        else if (command.Action is not null && !ActionKey().IsMatch(command.Action))
        {
            errors["action"] = ["An action key: lowercase letters, digits and '_'."];
        }

        if (command.Method is not null && !ProxyGrant.KnownMethods.Contains(command.Method.ToUpperInvariant()))
        {
            errors["method"] = [$"One of {string.Join(", ", ProxyGrant.KnownMethods)}."];
        }

        if (command.Method is not null && command.Path is null)
        {
            errors["path"] = ["Required with method."];
        }
        else if (command.Path is not null && command.Method is null)
        {
            errors["method"] = ["Required with path."];
        }

        if (command.Input is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) })
        {
            errors["input"] = ["Must be a JSON object (the action's input)."];
        }

        return errors;
    }

    [GeneratedRegex(@"^[a-z0-9_]{1,100}\z")]
    private static partial Regex ActionKey();
}

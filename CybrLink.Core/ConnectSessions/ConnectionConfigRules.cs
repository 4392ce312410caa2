using System.Text.RegularExpressions;
using CybrLink.Core.Catalog;
using CybrLink.Core.Validation;

namespace CybrLink.Core.ConnectSessions;

/// <summary>Connection-config values (a subdomain, a region…) checked against the fields Nango's provider declares.</summary>
public static class ConnectionConfigRules
{
    /// <param name="fieldPrefix">How the field is named to the caller: <c>connection_config.</c> in the API, none on the page.</param>
    /// <param name="requireAll">True when the flow starts: every required field must have a value by then.</param>
    public static Dictionary<string, string> Validate(
        CatalogEntry integration, IReadOnlyDictionary<string, string>? values, bool requireAll, string fieldPrefix)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var fields = integration.Fields.ConnectionConfig.ToDictionary(f => f.Name, StringComparer.Ordinal);
        foreach (var (name, value) in values ?? new Dictionary<string, string>())
        {
            if (!fields.TryGetValue(name, out var field))
            {
                throw new ConnectValidationException(fieldPrefix + name, $"'{integration.Key}' has no connection setting '{name}'.");
            }

            if (value is null || value.Length > ConnectSessionLimits.MaxConfigValueLength || TextRules.HasInvisibleOrControl(value)
                || (field.Pattern is { } pattern && !Matches(value, pattern)))
            {
                throw new ConnectValidationException(fieldPrefix + name, $"'{value}' is not a valid {field.Title}.");
            }

            if (field.Enum is { } choices && !choices.Contains(value, StringComparer.Ordinal))
            {
                throw new ConnectValidationException(fieldPrefix + name, $"{field.Title} must be one of: {string.Join(", ", choices)}.");
            }

            result[name] = value;
        }

        if (requireAll && fields.Values.FirstOrDefault(f => !f.Optional && !result.ContainsKey(f.Name)) is { } missing)
        {
            throw new ConnectValidationException(fieldPrefix + missing.Name, $"{missing.Title} is required.");
        }

        return result;
    }

    private static bool Matches(string value, string pattern)
    {
        try
        {
            return Regex.IsMatch(value, pattern, RegexOptions.None, TimeSpan.FromMilliseconds(100));
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
        catch (ArgumentException)
        {
            // A pattern .NET cannot read (Nango's are JavaScript regexes): Nango still checks the value itself.
            return true;
        }
    }
}

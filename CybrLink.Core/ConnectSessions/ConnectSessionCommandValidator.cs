using CybrLink.Core.Catalog;
using CybrLink.Core.Validation;
using Microsoft.Extensions.Options;

namespace CybrLink.Core.ConnectSessions;

/// <summary>
/// The one place a connect-session request is checked: every field, and that the integration is offered.
/// Failures name the field (422).
/// </summary>
public sealed class ConnectSessionCommandValidator(IOptions<ConnectOptions> options, CatalogService catalog)
{
    public async Task<ValidSession> ValidateAsync(CreateConnectSessionCommand command, CancellationToken ct)
    {
        var endUser = command.EndUser ?? throw new ConnectValidationException("end_user", "An end user is required.");
        var fields = Validate(endUser, command.Organization, command.ReturnUrl, command.ExpiresInMinutes, command.Locale);
        var integration = await FindOfferedAsync(command.Integration, ct);
        var config = ConnectionConfigRules.Validate(integration, command.ConnectionConfig, requireAll: false, fieldPrefix: "connection_config.");
        return new ValidSession(integration, fields, config);
    }

    /// <summary>A reconnect keeps the end user and the settings the connection was made with.</summary>
    public async Task<ValidSession> ValidateReconnectAsync(
        string integrationKey, EndUserInput endUser, OrganizationInput? organization, IReadOnlyDictionary<string, string> config,
        ReconnectCommand command, CancellationToken ct)
    {
        var fields = Validate(endUser, organization, command.ReturnUrl, command.ExpiresInMinutes, command.Locale);
        return new ValidSession(await FindOfferedAsync(integrationKey, ct), fields, config);
    }

    private async Task<CatalogEntry> FindOfferedAsync(string? key, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length > 255 || TextRules.HasInvisibleOrControl(key))
        {
            throw new ConnectValidationException("integration", "An integration key of 1 to 255 visible characters is required.");
        }

        return await catalog.FindOfferedOrRefreshAsync(key, ct)
            ?? throw new ConnectValidationException("integration", $"'{key}' is not an enabled integration.");
    }

    private ValidSessionFields Validate(
        EndUserInput endUser, OrganizationInput? organization, string? returnUrl, int? expiresInMinutes, string? locale)
    {
        var minutes = expiresInMinutes ?? ConnectSessionLimits.DefaultExpiryMinutes;
        if (minutes is < ConnectSessionLimits.MinExpiryMinutes or > ConnectSessionLimits.MaxExpiryMinutes)
        {
            throw new ConnectValidationException("expires_in_minutes",
                $"Must be between {ConnectSessionLimits.MinExpiryMinutes} and {ConnectSessionLimits.MaxExpiryMinutes}.");
        }

        return new ValidSessionFields(
            ValidateEndUser(endUser),
            organization is null ? null : ValidateOrganization(organization),
            ValidateReturnUrl(returnUrl),
            TimeSpan.FromMinutes(minutes),
            ValidateLocale(locale));
    }

    private static EndUserInput ValidateEndUser(EndUserInput endUser)
    {
        var id = RequireText("end_user.id", endUser.Id, ConnectSessionLimits.MaxEndUserIdLength, "An end user id");
        var email = OptionalText("end_user.email", endUser.Email, ConnectSessionLimits.MaxEmailLength);
        if (email is not null && (email.Length < 5 || email.IndexOf('@') is <= 0 || email.EndsWith('@') || email.Any(char.IsWhiteSpace)))
        {
            throw new ConnectValidationException("end_user.email", "Must be an email address.");
        }

        return new EndUserInput(id, email, OptionalText("end_user.display_name", endUser.DisplayName, ConnectSessionLimits.MaxNameLength));
    }

    private static OrganizationInput ValidateOrganization(OrganizationInput organization) => new(
        RequireText("organization.id", organization.Id, 255, "An organization id"),
        OptionalText("organization.display_name", organization.DisplayName, ConnectSessionLimits.MaxNameLength));

    private static string RequireText(string field, string? value, int maxLength, string what)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > maxLength)
        {
            throw new ConnectValidationException(field, $"{what} of 1 to {maxLength} characters is required.");
        }

        return CheckVisible(field, value);
    }

    private static string? OptionalText(string field, string? value, int maxLength)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length > maxLength)
        {
            throw new ConnectValidationException(field, $"At most {maxLength} characters.");
        }

        return CheckVisible(field, value);
    }

    private static string CheckVisible(string field, string value) =>
        TextRules.HasInvisibleOrControl(value)
            ? throw new ConnectValidationException(field, "Must not contain control, zero-width or text-direction characters.")
            : value;

    private static string? ValidateLocale(string? locale)
    {
        if (locale is null)
        {
            return null;
        }

        return ConnectSessionLimits.LanguageOf(locale) is null || locale.Length > 35 || TextRules.HasInvisibleOrControl(locale)
            ? throw new ConnectValidationException("locale",
                $"'{locale}' is not a supported language; use one of: {string.Join(", ", ConnectSessionLimits.Locales)}.")
            : locale.Trim();
    }

    private string? ValidateReturnUrl(string? returnUrl)
    {
        if (returnUrl is null)
        {
            return null;
        }

        if (returnUrl.Length > 2048 || TextRules.HasInvisibleOrControl(returnUrl)
            || !Uri.TryCreate(returnUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || !string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new ConnectValidationException("return_url", "Must be an absolute http(s) URL of at most 2048 characters.");
        }

        var origin = uri.GetLeftPart(UriPartial.Authority);
        var allowed = options.Value.AllowedReturnOrigins.Any(o =>
            Uri.TryCreate(o, UriKind.Absolute, out var a)
            && string.Equals(a.GetLeftPart(UriPartial.Authority), origin, StringComparison.OrdinalIgnoreCase));
        if (!allowed)
        {
            // Note: an open redirect after consent would let a phishing link borrow CybrLink's trusted page.
            throw new ConnectValidationException("return_url", $"The origin {origin} is not in Connect:AllowedReturnOrigins.");
        }

        return uri.ToString();
    }
}

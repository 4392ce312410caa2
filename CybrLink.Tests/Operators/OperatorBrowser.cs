using System.Net;
using System.Text.RegularExpressions;
using CybrLink.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.Operators;

/// <summary>
/// Lets an in-memory test request come from a chosen client address (TestServer has none): the address in the
/// <see cref="Header"/> header becomes the connection's remote address before CybrLink's middleware runs.
/// </summary>
public static class TestClientAddress
{
    public const string Header = "X-Test-Client-Address";

    public static void Register(IServiceCollection services) => services.AddSingleton<IStartupFilter, Filter>();

    private sealed class Filter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, nextMiddleware) =>
            {
                if (http.Request.Headers.TryGetValue(Header, out var address))
                {
                    http.Connection.RemoteIpAddress = IPAddress.Parse(address.ToString());
                }

                return nextMiddleware(http);
            });
            next(app);
        };
    }
}

/// <summary>A browser for the static sign-in, setup and sign-out forms: keeps cookies, posts with antiforgery tokens.</summary>
public sealed partial class OperatorBrowser : IDisposable
{
    private readonly HttpClient _client;

    public OperatorBrowser(CybrLinkAppFactory app, string address = "10.0.0.1")
    {
        _client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        _client.DefaultRequestHeaders.Add(TestClientAddress.Header, address);
    }

    /// <summary>The operator cookie from the last sign-in, as <c>name=value</c>.</summary>
    public string? OperatorCookie { get; private set; }

    public Task<HttpResponseMessage> SignInAsync(string email, string password) => PostFormAsync("/account/login", "login", new()
    {
        ["Input.Email"] = email,
        ["Input.Password"] = password,
    });

    public Task<HttpResponseMessage> SetupAsync(string code, string email, string password) => PostFormAsync("/setup", "setup", new()
    {
        ["Input.Code"] = code,
        ["Input.Email"] = email,
        ["Input.Password"] = password,
        ["Input.ConfirmPassword"] = password,
    });

    /// <summary>Signs out the way the console's button does: a form post with the token of a signed-in page.</summary>
    public async Task<HttpResponseMessage> SignOutAsync()
    {
        var token = await TokenAsync("/");
        return await _client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
        }));
    }

    public Task<HttpResponseMessage> GetAsync(string path) => _client.GetAsync(path);

    /// <summary>The text of the form's error box, or null.</summary>
    public static string? ErrorText(string html) =>
        AlertPattern().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(Regex.Replace(m.Groups[1].Value, "<[^>]+>", " ")).Trim() : null;

    /// <summary>A client that sends only the given operator cookie, like a copy of it saved elsewhere.</summary>
    public static HttpClient WithSavedCookie(CybrLinkAppFactory app, string cookie)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    public void Dispose() => _client.Dispose();

    private async Task<HttpResponseMessage> PostFormAsync(string path, string handler, Dictionary<string, string> fields)
    {
        fields["_handler"] = handler;
        fields["__RequestVerificationToken"] = await TokenAsync(path);
        var response = await _client.PostAsync(path, new FormUrlEncodedContent(fields));
        if (response.Headers.TryGetValues("Set-Cookie", out var cookies)
            && cookies.FirstOrDefault(c => c.StartsWith("cybrlink.operator=", StringComparison.Ordinal)) is { } cookie)
        {
            OperatorCookie = cookie.Split(';')[0];
        }

        return response;
    }

    private async Task<string> TokenAsync(string path)
    {
        using var page = await _client.GetAsync(path);
        var html = await page.Content.ReadAsStringAsync();
        var match = TokenPattern().Match(html);
        Assert.True(match.Success, $"No antiforgery token on {path} ({(int)page.StatusCode}).");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("<div class=\"form-error\" role=\"alert\">(.*?)</div>\\s*(?:<form|<div)", RegexOptions.Singleline)]
    private static partial Regex AlertPattern();
}

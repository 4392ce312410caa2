using System.Net.Http.Json;
using System.Text.Json;
using CybrLink.Core.Audit;
using CybrLink.Core.ConnectSessions;
using CybrLink.Core.Data;
using CybrLink.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.ConnectSessions;

/// <summary>
/// The connect flow at the service boundary, with the browser's part played over HTTP against the sandbox
/// (the Connect UI's browser tests cover the same flow in Chromium).
/// </summary>
public class ConnectFlowTests : SandboxedApp
{
    private async Task<T> UseAsync<TService, T>(Func<TService, Task<T>> action) where TService : notnull
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TService>());
    }

    private Task<T> FlowAsync<T>(Func<ConnectFlow, Task<T>> action) => UseAsync(action);
    private Task<ConnectStart> StartAsync(string token, Dictionary<string, string>? fields = null) =>
        UseAsync<ConnectAttempts, ConnectStart>(a => a.StartAsync(token, fields ?? []));
    private Task<ConnectCompletion> ReportAsync(string token, string nangoId) =>
        UseAsync<ConnectResultConfirmer, ConnectCompletion>(c => c.CompleteAsync(token, nangoId));

    private async Task<(string Id, string Token)> NewCrmSessionAsync(string? returnUrl = null)
    {
        var session = await CreateConnectSessionAsync(new
        {
            end_user = new { id = "u-1", email = "ada@example.com" },
            integration = "sandbox-crm",
            connection_config = new { subdomain = "acme" },
            return_url = returnUrl,
        });
        return (session.GetProperty("id").GetString()!, session.GetProperty("token").GetString()!);
    }

    [Fact]
    public async Task Open_start_consent_complete_records_the_connection_once()
    {
        var (id, token) = await NewCrmSessionAsync(ReturnOrigin + "/connected?from=cybrlink");

        var page = await FlowAsync(s => s.OpenAsync(token));
        Assert.Equal(ConnectSessionStatus.Opened, page.Status);
        Assert.Equal("Sandbox CRM", page.Integration.DisplayName);
        Assert.Equal("acme", Assert.Single(page.ConnectionFields).LockedValue);

        var start = await StartAsync(token, new Dictionary<string, string> { ["subdomain"] = "ignored-locked" });
        Assert.StartsWith("nango_connect_session_", start.NangoSessionToken);
        Assert.Equal(Sandbox.BaseUrl, start.NangoBaseUrl);
        Assert.Equal("acme", start.Params["subdomain"]);

        var nangoId = await PostApiKeyToNangoAsync(start.NangoSessionToken, "sandbox-crm", "sbx_canary_typed_key_1", start.Params);
        var completion = await ReportAsync(token, nangoId);

        Assert.Equal(
            $"{ReturnOrigin}/connected?from=cybrlink&status=success&connection_id={completion.ConnectionId}&session_id={id}",
            completion.RedirectUrl);
        var status = await Api.GetFromJsonAsync<JsonElement>($"/api/v1/connect-sessions/{id}");
        Assert.Equal("completed", status.GetProperty("status").GetString());
        Assert.Equal(completion.ConnectionId.ToString(), status.GetProperty("connection_id").GetString());

        var connection = await Api.GetFromJsonAsync<JsonElement>($"/api/v1/connections/{completion.ConnectionId}");
        Assert.Equal(("active", "sandbox-crm", "u-1"), (
            connection.GetProperty("status").GetString(), connection.GetProperty("integration").GetString(),
            connection.GetProperty("end_user_id").GetString()));

        // The same report again gets the same answer; the link itself no longer opens.
        var repeat = await ReportAsync(token, nangoId);
        Assert.Equal(completion.ConnectionId, repeat.ConnectionId);
        var reopened = await Assert.ThrowsAsync<ConnectSessionStateException>(() => FlowAsync(s => s.OpenAsync(token)));
        Assert.Equal(ConnectSessionProblem.AlreadyUsed, reopened.Problem);

        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CybrLinkDbContext>();
        Assert.Equal(1, await db.Connections.CountAsync());
        var actions = await db.AuditEvents.Where(a => a.TargetId == id).Select(a => a.Action).ToListAsync();
        Assert.Equal(
            new[] { AuditActions.SessionCreated, AuditActions.SessionOpened, AuditActions.SessionCompleted }.Order(),
            actions.Order());
        Assert.Contains(await db.AuditEvents.Select(a => a.Action).ToListAsync(), a => a == AuditActions.ConnectionCreated);
    }

    [Fact]
    public async Task Nango_tokens_of_abandoned_attempts_and_of_the_completed_session_are_revoked()
    {
        var (_, token) = await NewCrmSessionAsync();
        var first = await StartAsync(token);
        Assert.Equal(System.Net.HttpStatusCode.OK, await NangoSessionStatusAsync(first.NangoSessionToken));

        var second = await StartAsync(token);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, await NangoSessionStatusAsync(first.NangoSessionToken));

        var nangoId = await PostApiKeyToNangoAsync(second.NangoSessionToken, "sandbox-crm", "k", second.Params);
        await ReportAsync(token, nangoId);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, await NangoSessionStatusAsync(second.NangoSessionToken));
        Assert.DoesNotContain(second.NangoSessionToken, App.ReadDatabaseText());
    }

    private async Task<System.Net.HttpStatusCode> NangoSessionStatusAsync(string nangoToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Sandbox.BaseUrl + "/connect/session");
        request.Headers.Authorization = new("Bearer", nangoToken);
        using var response = await NangoHttp.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task The_browser_report_after_the_webhook_completed_the_session_gets_the_same_answer()
    {
        var (id, token) = await NewCrmSessionAsync(ReturnOrigin + "/back");
        var start = await StartAsync(token);
        var nangoId = await PostApiKeyToNangoAsync(start.NangoSessionToken, "sandbox-crm", "k", start.Params);

        var byWebhook = await UseAsync<ConnectSessionCompleter, ConnectCompletion?>(c => c.CompleteAsync(Guid.Parse(id), "sandbox-crm", nangoId, AuditActor.Nango));
        var byBrowser = await ReportAsync(token, nangoId);

        Assert.Equal(byWebhook!.ConnectionId, byBrowser.ConnectionId);
        Assert.Equal(byWebhook.RedirectUrl, byBrowser.RedirectUrl);
    }

    [Fact]
    public async Task A_connection_nango_does_not_tie_to_this_session_is_not_believed()
    {
        var (_, token) = await NewCrmSessionAsync();
        var (_, otherToken) = await NewCrmSessionAsync();
        var otherStart = await StartAsync(otherToken);
        var othersConnection = await PostApiKeyToNangoAsync(otherStart.NangoSessionToken, "sandbox-crm", "k", otherStart.Params);

        var e = await Assert.ThrowsAsync<ConnectSessionStateException>(() =>
            ReportAsync(token, othersConnection));
        var forged = await Assert.ThrowsAsync<ConnectSessionStateException>(() =>
            ReportAsync(token, "made-up-id"));

        Assert.Equal(ConnectSessionProblem.NotConfirmed, e.Problem);
        Assert.Equal(ConnectSessionProblem.NotConfirmed, forged.Problem);
    }

    [Fact]
    public async Task Required_connection_fields_are_checked_before_nango_is_asked()
    {
        var session = await CreateConnectSessionAsync(new { end_user = new { id = "u-1" }, integration = "sandbox-crm" });
        var token = session.GetProperty("token").GetString()!;

        var missing = await Assert.ThrowsAsync<ConnectValidationException>(() =>
            StartAsync(token));
        var invalid = await Assert.ThrowsAsync<ConnectValidationException>(() =>
            StartAsync(token, new Dictionary<string, string> { ["subdomain"] = "Bad Value" }));
        var start = await StartAsync(token, new Dictionary<string, string> { ["subdomain"] = " typed-one " });

        Assert.Equal("subdomain", missing.Field);
        Assert.Equal("subdomain", invalid.Field);
        Assert.Equal("typed-one", start.Params["subdomain"]);
    }

    [Fact]
    public async Task A_failed_attempt_leaves_the_session_open_with_its_error_until_it_expires()
    {
        var (id, token) = await NewCrmSessionAsync();
        await FlowAsync(async s => { await s.ReportFailureAsync(token, "callback_err"); return 0; });

        // Note: the person may be retrying right now; "failed" would tell the operator's server to give up on them.
        var status = await Api.GetFromJsonAsync<JsonElement>($"/api/v1/connect-sessions/{id}");
        Assert.Equal(("opened", "callback_err"), (status.GetProperty("status").GetString(), status.GetProperty("last_error").GetString()));
        var retry = await StartAsync(token);
        Assert.StartsWith("nango_connect_session_", retry.NangoSessionToken);

        Clock.Advance(TimeSpan.FromMinutes(31));
        var expired = await Assert.ThrowsAsync<ConnectSessionStateException>(() => FlowAsync(s => s.OpenAsync(token)));
        Assert.Equal(ConnectSessionProblem.Expired, expired.Problem);
        Assert.Equal(1, await UseAsync<ConnectSessionCompleter, int>(c => c.ExpireOverdueAsync()));
        var final = await Api.GetFromJsonAsync<JsonElement>($"/api/v1/connect-sessions/{id}");
        Assert.Equal("expired", final.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_failed_attempt_and_then_success_completes_and_clears_the_error()
    {
        var (id, token) = await NewCrmSessionAsync();
        await FlowAsync(async s => { await s.ReportFailureAsync(token, "callback_err"); return 0; });
        var start = await StartAsync(token);
        var nangoId = await PostApiKeyToNangoAsync(start.NangoSessionToken, "sandbox-crm", "k", start.Params);

        await ReportAsync(token, nangoId);

        var status = await Api.GetFromJsonAsync<JsonElement>($"/api/v1/connect-sessions/{id}");
        Assert.Equal("completed", status.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("last_error").ValueKind);
    }

    [Fact]
    public async Task Unknown_and_malformed_tokens_are_not_found()
    {
        foreach (var token in new[] { "", "nope", "cbl_cs_" + new string('A', 43), "cbl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" })
        {
            var e = await Assert.ThrowsAsync<ConnectSessionStateException>(() => FlowAsync(s => s.OpenAsync(token)));
            Assert.Equal(ConnectSessionProblem.NotFound, e.Problem);
        }
    }

    [Fact]
    public async Task Reconnect_reauthorises_the_same_connection()
    {
        var (_, token) = await NewCrmSessionAsync();
        var start = await StartAsync(token);
        var nangoId = await PostApiKeyToNangoAsync(start.NangoSessionToken, "sandbox-crm", "first-key", start.Params);
        var first = await ReportAsync(token, nangoId);

        using var response = await Api.PostAsJsonAsync($"/api/v1/connections/{first.ConnectionId}/reconnect-session", new { });
        var reconnect = await response.Content.ReadFromJsonAsync<JsonElement>();
        var reconnectToken = reconnect.GetProperty("token").GetString()!;
        var page = await FlowAsync(s => s.OpenAsync(reconnectToken));
        Assert.True(page.IsReconnect);

        // Nothing typed: the reconnect carries the subdomain the connection was made with, locked.
        var again = await StartAsync(reconnectToken, new Dictionary<string, string> { ["subdomain"] = "someone-else" });
        Assert.Equal("acme", again.Params["subdomain"]);
        var sameNangoId = await PostApiKeyToNangoAsync(again.NangoSessionToken, "sandbox-crm", "second-key", again.Params);
        var second = await ReportAsync(reconnectToken, sameNangoId);

        Assert.Equal(nangoId, sameNangoId);
        Assert.Equal(first.ConnectionId, second.ConnectionId);
        Assert.Equal("acme", Assert.Single(page.ConnectionFields).LockedValue);
        using var unknown = await Api.PostAsJsonAsync($"/api/v1/connections/{Guid.NewGuid()}/reconnect-session", new { });
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
    }
}

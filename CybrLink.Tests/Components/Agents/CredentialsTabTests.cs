using Bunit;
using CybrLink.Core.Agents;
using CybrLink.Core.Audit;
using CybrLink.Core.Security;
using CybrLink.Web.Console.Agents;
using Microsoft.EntityFrameworkCore;

namespace CybrLink.Tests.Components.Agents;

public sealed class CredentialsTabTests : AgentsConsoleTest
{
    [Fact]
    public async Task A_new_key_is_shown_once_with_its_warning_and_only_its_prefix_stays_listed()
    {
        var agent = await CreateAgentAsync();
        SignInAsAdmin();
        var cut = RenderWithProviders<CredentialsTab>(("Agent", agent));
        cut.WaitForAssertion(() => cut.Find("[data-testid=no-agent-keys]"));

        Button(cut, "Create key").Click();

        var secret = "";
        cut.WaitForAssertion(() =>
        {
            secret = cut.Find("#new-agent-key").GetAttribute("value") ?? "";
            Assert.StartsWith(AgentKey.TokenPrefix, secret);
        });
        Assert.Contains("it will not be shown again", cut.Find("[data-testid=new-agent-key]").TextContent);
        Assert.True(cut.Find("#new-agent-key").HasAttribute("readonly"));
        await using (var db = await OpenDatabaseAsync())
        {
            var stored = await db.AgentKeys.SingleAsync();
            Assert.Equal(SecretTokens.Hash(secret), stored.SecretHash);
        }

        // Shown once: the same tab opened again lists the key by its prefix, never the key itself.
        await DisposeComponentsAsync();
        var again = RenderWithProviders<CredentialsTab>(("Agent", await Get<AgentService>().GetAsync(agent.Id)));
        again.WaitForAssertion(() => Assert.Single(again.FindAll("[aria-label='Agent keys'] tbody tr")));
        Assert.Contains(secret[..AgentKey.DisplayPrefixLength], again.Markup);
        Assert.DoesNotContain(secret, again.Markup);
        Assert.Empty(again.FindAll("#new-agent-key"));
    }

    [Fact]
    public async Task Rotating_a_key_shows_the_new_one_once_and_revokes_the_old_one()
    {
        var agent = await CreateAgentAsync();
        var old = await Get<AgentKeys>().CreateAsync(agent.Id, new CreateAgentKeyCommand(), AuditActor.System);
        SignInAsAdmin();
        var cut = RenderWithProviders<CredentialsTab>(("Agent", await Get<AgentService>().GetAsync(agent.Id)));
        cut.WaitForAssertion(() => cut.Find($"button[aria-label='Rotate {old.Key.Prefix}']"));

        cut.Find($"button[aria-label='Rotate {old.Key.Prefix}']").Click();
        cut.WaitForAssertion(() => Assert.Contains("then " + old.Key.Prefix + "… is revoked", cut.Find(".mud-dialog").TextContent));
        DialogButton(cut, "Rotate").Click();

        cut.WaitForAssertion(() => Assert.StartsWith(AgentKey.TokenPrefix, cut.Find("#new-agent-key").GetAttribute("value")));
        var keys = (await Get<AgentService>().GetAsync(agent.Id))!.Keys;
        Assert.Equal(2, keys.Count);
        Assert.NotNull(keys.Single(k => k.Id == old.Key.Id).RevokedAt);
        Assert.Null(keys.Single(k => k.Id != old.Key.Id).RevokedAt);
    }

    [Fact]
    public async Task A_viewer_sees_keys_and_tokens_but_no_create_rotate_or_revoke()
    {
        var agent = await CreateAgentAsync();
        var key = await Get<AgentKeys>().CreateAsync(agent.Id, new CreateAgentKeyCommand(), AuditActor.System);
        await using (var db = await OpenDatabaseAsync())
        {
            db.Integrations.Add(new Core.Catalog.CatalogIntegration
            {
                Key = "sandbox-mail", Provider = "sandbox-mail", DisplayName = "Sandbox Mail", AuthMode = "OAUTH2",
            });
            await db.SaveChangesAsync();
        }

        var token = await Get<AgentTokens>().CreateAsync(agent.Id, new CreateAgentTokenCommand("u-42", 3600, ["sandbox-mail"]), AuditActor.System);
        SignInAsViewer();

        var cut = RenderWithProviders<CredentialsTab>(("Agent", await Get<AgentService>().GetAsync(agent.Id)));

        cut.WaitForAssertion(() => Assert.Contains("u-42", cut.Find("[aria-label='Agent tokens']").TextContent));
        Assert.Contains("Sandbox Mail", cut.Find("[aria-label='Agent tokens']").TextContent);
        Assert.Contains(token.Prefix, cut.Markup);
        Assert.Contains(key.Key.Prefix, cut.Find("[aria-label='Agent keys']").TextContent);
        Assert.False(HasButton(cut, "Create key"));
        Assert.False(HasButton(cut, "Rotate"));
        Assert.False(HasButton(cut, "Revoke"));
    }

    [Fact]
    public async Task An_admin_revokes_an_agent_token_after_confirming()
    {
        var agent = await CreateAgentAsync();
        var token = await Get<AgentTokens>().CreateAsync(agent.Id, new CreateAgentTokenCommand("u-42", 3600), AuditActor.System);
        SignInAsAdmin();
        var cut = RenderWithProviders<CredentialsTab>(("Agent", agent));
        var revoke = $"button[aria-label='Revoke token {token.Prefix} of u-42']";
        cut.WaitForAssertion(() => cut.Find(revoke));

        cut.Find(revoke).Click();
        cut.WaitForAssertion(() => cut.Find(".mud-dialog"));
        DialogButton(cut, "Revoke").Click();

        cut.WaitForAssertion(() => Assert.Contains("Revoked", cut.Find("[aria-label='Agent tokens']").TextContent));
        await using var db = await OpenDatabaseAsync();
        Assert.NotNull((await db.AgentTokens.SingleAsync()).RevokedAt);
    }
}

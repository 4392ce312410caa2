using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CybrLink.Core.Connections;
using CybrLink.Core.Data;
using CybrLink.Core.Demo;
using CybrLink.Core.EndUsers;
using CybrLink.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.Connections;

/// <summary>The connections and end-users lists (console grids and GET /api/v1/connections) on a real database.</summary>
public class ConnectionQueryTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Day = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly CybrLinkAppFactory _app;

    // Note: virtual on purpose, called from the constructor: overrides return a constant (see OnPostgres.cs).
    public ConnectionQueryTests() => _app = new CybrLinkAppFactory(provider: DatabaseProvider);

    protected virtual TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Sqlite;

    private ConnectionQuery Connections => _app.Services.GetRequiredService<ConnectionQuery>();

    private EndUserQuery EndUsers => _app.Services.GetRequiredService<EndUserQuery>();

    public async Task InitializeAsync()
    {
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();
        db.EndUsers.AddRange(
            new EndUser { Id = "u-ada", DisplayName = "Ada Lovelace", Email = "ada@engine.example", OrganizationId = "org-1", CreatedAt = Day, UpdatedAt = Day },
            new EndUser { Id = "ADAM-7", DisplayName = "Zed Adams", Email = "zed@mail.example", OrganizationId = "org-2", CreatedAt = Day.AddDays(1), UpdatedAt = Day },
            new EndUser { Id = "u-grace", DisplayName = "Grace Hopper", Email = "Grace@Navy.example", OrganizationId = "org-2", CreatedAt = Day.AddDays(2), UpdatedAt = Day });
        Add(db, "u-ada", "mail", ConnectionStatus.Active, "org-1", 0);
        Add(db, "u-ada", "crm", ConnectionStatus.Error, "org-1", 1);
        Add(db, "ADAM-7", "mail", ConnectionStatus.Revoked, "org-2", 2);
        Add(db, "u-grace", "mail", ConnectionStatus.Active, "org-2", 3);
        Add(db, "u-grace", "crm", ConnectionStatus.Active, "org-2", 4);
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static void Add(CybrLinkDbContext db, string user, string integration, ConnectionStatus status, string org, int day) =>
        db.Connections.Add(new Connection
        {
            Id = Guid.CreateVersion7(), NangoConnectionId = $"n-{user}-{integration}", IntegrationKey = integration, EndUserId = user,
            OrganizationId = org, Status = status, CreatedAt = Day.AddDays(day), UpdatedAt = Day.AddDays(day),
            LastUsedAt = day % 2 == 0 ? Day.AddDays(10 - day) : null,
        });

    private async Task<List<string>> PageAsync(ConnectionFilter filter, ConnectionSort? sort = null, int skip = 0, int take = 50) =>
        [.. (await Connections.PageAsync(filter, sort ?? ConnectionSort.NewestFirst, skip, take)).Items.Select(r => $"{r.EndUserId}/{r.IntegrationKey}")];

    [Fact]
    public async Task Search_is_a_case_insensitive_prefix_of_the_end_users_id_email_or_name()
    {
        Assert.Equal(["ADAM-7/mail", "u-ada/crm", "u-ada/mail"], await PageAsync(new(Search: "ADA")));      // name Ada…, id adam-7
        Assert.Equal(["u-grace/crm", "u-grace/mail"], await PageAsync(new(Search: "grace@navy")));      // email, stored in mixed case
        Assert.Equal(["ADAM-7/mail"], await PageAsync(new(Search: "zed ad")));                         // display name
        Assert.Empty(await PageAsync(new(Search: "lovelace")));                                         // a prefix, not a substring
    }

    [Fact]
    public async Task Filters_combine_and_rows_carry_the_end_users_name_and_email()
    {
        Assert.Equal(["u-grace/mail", "ADAM-7/mail", "u-ada/mail"], await PageAsync(new(Integration: "mail")));
        Assert.Equal(["u-grace/mail"], await PageAsync(new(Integration: "mail", Status: ConnectionStatus.Active, OrganizationId: "org-2")));
        // From and to are whole UTC days, both included.
        Assert.Equal(["u-grace/mail", "ADAM-7/mail", "u-ada/crm"],
            await PageAsync(new(From: DateOnly.FromDateTime(Day.AddDays(1).UtcDateTime), To: DateOnly.FromDateTime(Day.AddDays(3).UtcDateTime))));

        var row = (await Connections.PageAsync(new(Integration: "crm", Status: ConnectionStatus.Error), ConnectionSort.NewestFirst, 0, 10)).Items.Single();
        Assert.Equal(("Ada Lovelace", "ada@engine.example", "org-1"), (row.EndUserName, row.EndUserEmail, row.OrganizationId));
    }

    [Fact]
    public async Task Sorts_and_pages_with_the_total_count()
    {
        Assert.Equal(["u-ada/mail", "u-ada/crm"], await PageAsync(new(), new ConnectionSort(ConnectionSortField.Created, false), take: 2));
        var second = await Connections.PageAsync(new(), ConnectionSort.NewestFirst, 2, 2);
        Assert.Equal(["ADAM-7/mail", "u-ada/crm"], second.Items.Select(r => $"{r.EndUserId}/{r.IntegrationKey}"));
        Assert.Equal((5, false), (second.Total, second.TotalIsCapped));
        Assert.Equal(ConnectionStatus.Revoked, (await Connections.PageAsync(new(), new ConnectionSort(ConnectionSortField.Status, true), 0, 1)).Items[0].Status);
        Assert.Equal("crm", (await Connections.PageAsync(new(), new ConnectionSort(ConnectionSortField.Integration, false), 0, 1)).Items[0].IntegrationKey);
        // Last used, most recent first: day 0's connection was used on day 10, day 2's on day 8, day 4's on day 6. (Where
        // never-used rows go is the provider's NULL order: last on SQLite, first on PostgreSQL.)
        var used = (await Connections.PageAsync(new(), new ConnectionSort(ConnectionSortField.LastUsed, true), 0, 10)).Items.Where(r => r.LastUsedAt is not null);
        Assert.Equal(["u-ada/mail", "ADAM-7/mail", "u-grace/crm"], used.Select(r => $"{r.EndUserId}/{r.IntegrationKey}"));
    }

    [Fact]
    public async Task End_users_search_by_prefix_filter_by_organization_and_count_their_connections()
    {
        var page = await EndUsers.PageAsync(new EndUserFilter(Search: "ad"), new EndUserSort(), 0, 10);
        Assert.Equal([("ADAM-7", 1), ("u-ada", 2)], page.Items.Select(u => (u.Id, u.Connections)));

        var org2 = await EndUsers.PageAsync(new EndUserFilter(OrganizationId: "org-2"), new EndUserSort(EndUserSortField.Name, false), 0, 10);
        Assert.Equal(["u-grace", "ADAM-7"], org2.Items.Select(u => u.Id));
    }

    [Fact]
    public async Task Over_ten_thousand_matches_the_count_stops_at_the_cap()
    {
        await _app.Services.GetRequiredService<DemoSeeder>().SeedAsync(new DemoSeedRequest(200, ConnectionQuery.CountCap + 50, 0, 0), _ => { });

        var page = await Connections.PageAsync(new(), ConnectionSort.NewestFirst, 0, 50);

        Assert.Equal((ConnectionQuery.CountCap, true, 50), (page.Total, page.TotalIsCapped, page.Items.Count));
        Assert.All(page.Items, r => Assert.True(r.IsDemo));
    }

    [Fact]
    public async Task The_api_lists_newest_first_with_its_filters_and_refuses_an_unknown_parameter()
    {
        using var api = _app.CreateClientWithKey(await _app.CreateServerKeyAsync());

        var list = await api.GetFromJsonAsync<JsonElement>("/api/v1/connections?integration=mail&limit=2");
        Assert.Equal(["u-grace", "ADAM-7"], list.EnumerateArray().Select(c => c.GetProperty("end_user_id").GetString()));
        var mine = await api.GetFromJsonAsync<JsonElement>("/api/v1/connections?end_user_id=u-ada&integration=crm");
        Assert.Equal("error", mine.EnumerateArray().Single().GetProperty("status").GetString());

        using var unknown = await api.GetAsync("/api/v1/connections?status=active");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
    }
}

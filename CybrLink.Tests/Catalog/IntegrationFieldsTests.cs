using System.Text.Json;
using CybrLink.Core.Catalog;
using CybrLink.Core.Nango;

namespace CybrLink.Tests.Catalog;

public sealed class IntegrationFieldsTests
{
    [Fact]
    public void Prefix_suffix_and_enum_of_nangos_provider_data_are_kept()
    {
        var provider = JsonSerializer.Deserialize<NangoProvider>("""
            {"name":"p","display_name":"P","auth_mode":"API_KEY","connection_config":{
              "host":{"type":"string","title":"Host","prefix":"https://","order":1},
              "path":{"type":"string","title":"Path","suffix":"/api","order":2},
              "region":{"type":"string","title":"Region","enum":["us","eu"],"order":3},
              "plain":{"type":"string","title":"Plain","prefix":"","enum":[],"order":4}}}
            """)!;

        var fields = IntegrationFields.FromProvider(provider).ConnectionConfig;

        Assert.Equal("https://", fields[0].Prefix);
        Assert.Equal("/api", fields[1].Suffix);
        Assert.Equal(["us", "eu"], fields[2].Enum!);
        Assert.Null(fields[3].Prefix); // empty means none
        Assert.Null(fields[3].Enum);
    }

    [Fact]
    public void Cached_json_from_before_the_new_attributes_still_reads_and_round_trips()
    {
        const string cached = """
            {"connectionConfig":[{"name":"subdomain","title":"Subdomain","description":null,"example":"acme","pattern":"^[a-z]+$","optional":false,"order":1}],"credentials":[]}
            """;

        var fields = IntegrationFields.FromJson(cached);
        var subdomain = Assert.Single(fields.ConnectionConfig);
        Assert.Equal("subdomain", subdomain.Name);
        Assert.Null(subdomain.Prefix);
        Assert.Null(subdomain.Suffix);
        Assert.Null(subdomain.Enum);

        var withEnum = fields with { ConnectionConfig = [subdomain with { Enum = ["a", "b"], Prefix = "https://" }] };
        var again = IntegrationFields.FromJson(withEnum.ToJson()).ConnectionConfig[0];
        Assert.Equal(["a", "b"], again.Enum!);
        Assert.Equal("https://", again.Prefix);
    }
}

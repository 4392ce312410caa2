using CybrLink.Core.Policies;

namespace CybrLink.Tests.Policies;

public sealed class AgentPathsTests
{
    [Theory]
    [InlineData("/repos/acme/app", "/repos/acme/app")]
    [InlineData("/", "/")]
    [InlineData("/repos/acme/", "/repos/acme/")]
    [InlineData("/files/my%20doc", "/files/my%20doc")]
    [InlineData("/files/my doc", "/files/my%20doc")]
    [InlineData("/files/my+doc", "/files/my%2Bdoc")]
    [InlineData("/a%2db/%7euser", "/a-b/~user")]
    [InlineData("/caf%c3%a9", "/caf%C3%A9")]
    [InlineData("/café", "/caf%C3%A9")]
    [InlineData("/日本", "/%E6%97%A5%E6%9C%AC")]
    [InlineData("/emoji/😀", "/emoji/%F0%9F%98%80")]
    [InlineData("/v1/values:batchGet", "/v1/values%3AbatchGet")]
    [InlineData("/file.json", "/file.json")]
    [InlineData("/file%2Ejson", "/file.json")]
    [InlineData("/.well-known/x", "/.well-known/x")]
    [InlineData("/.../x", "/.../x")]
    [InlineData("/..x/x..", "/..x/x..")]
    [InlineData("/a/%41", "/a/A")]
    public void Acceptable_paths_come_out_canonical(string raw, string canonical)
    {
        var result = AgentPaths.Normalize(raw);

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(canonical, result.Path);
        // Canonical is a fixed point: what was checked is what is sent, and normalising it again changes nothing.
        Assert.Equal(canonical, AgentPaths.Normalize(canonical).Path);
    }

    [Theory]
    [InlineData("/repos/../admin")]
    [InlineData("/repos/..")]
    [InlineData("/repos/./x")]
    [InlineData("/repos/%2e%2e/admin")]
    [InlineData("/repos/%2E%2E/admin")]
    [InlineData("/repos/%2E./admin")]
    [InlineData("/repos/.%2e/admin")]
    [InlineData("/repos/%2e/admin")]
    [InlineData("/repos/a%2Fb")]
    [InlineData("/repos/a%2fb")]
    [InlineData("/repos/%252F")]
    [InlineData("/repos/%252e%252e")]
    [InlineData("/repos/%25")]
    [InlineData("/repos/x;y")]
    [InlineData("/repos;x")]
    [InlineData("/repos/%3Bx")]
    [InlineData("/repos/%3bx")]
    [InlineData("/repos/%00")]
    [InlineData("/repos/a\0b")]
    [InlineData("/repos\\admin")]
    [InlineData("/repos/%5Cadmin")]
    [InlineData("/repos/%5cadmin")]
    [InlineData("//repos")]
    [InlineData("/repos//x")]
    [InlineData("/repos/%")]
    [InlineData("/repos/%4")]
    [InlineData("/repos/%zz")]
    [InlineData("/repos/%0A")]
    [InlineData("/repos/%7F")]
    [InlineData("/repos/a\nb")]
    [InlineData("/repos/%C2%85")]
    [InlineData("/repos/%FF")]
    [InlineData("/repos/%C3")]
    [InlineData("/repos?x=1")]
    [InlineData("/repos#x")]
    [InlineData("repos")]
    [InlineData("")]
    public void Refused_paths_say_invalid_path(string raw)
    {
        var result = AgentPaths.Normalize(raw);

        Assert.False(result.IsValid, $"'{raw}' was accepted as '{result.Path}'");
        Assert.Null(result.Path);
        Assert.False(string.IsNullOrEmpty(result.Error));
        Assert.Equal("invalid_path", NormalizedPath.ErrorCode);
    }

    [Fact]
    public void Overlong_paths_are_refused_and_the_limit_itself_is_accepted()
    {
        var atLimit = "/" + new string('a', AgentPaths.MaxLength - 1);

        Assert.True(AgentPaths.Normalize(atLimit).IsValid);
        Assert.False(AgentPaths.Normalize(atLimit + "a").IsValid);
    }

    [Fact]
    public void A_lone_surrogate_is_refused()
    {
        Assert.False(AgentPaths.Normalize("/a\uD800b").IsValid);
    }
}

using CybrLink.Core.Policies;

namespace CybrLink.Tests.Policies;

public sealed class PathPatternTests
{
    [Theory]
    [InlineData("/repos/*", "/repos/acme", true)]
    [InlineData("/repos/*", "/repos/acme/app", false)]
    [InlineData("/repos/*", "/repos", false)]
    [InlineData("/repos/*/issues", "/repos/acme/issues", true)]
    [InlineData("/repos/*/issues", "/repos/acme/pulls", false)]
    [InlineData("/repos/acme/**", "/repos/acme", true)]
    [InlineData("/repos/acme/**", "/repos/acme/app/issues/1", true)]
    [InlineData("/repos/acme/**", "/repos/acmex/app", false)]
    [InlineData("/repos/acme/**", "/repos/other/app", false)]
    [InlineData("/**/comments", "/a/b/c/comments", true)]
    [InlineData("/**/comments", "/comments", true)]
    [InlineData("/**/comments", "/a/comments/x", false)]
    [InlineData("/a/**/b/*", "/a/x/y/b/z", true)]
    [InlineData("/a/**/b/*", "/a/b/z", true)]
    [InlineData("/a/**/b/*", "/a/b/b/z", true)]
    [InlineData("/a/**/b/*", "/a/x/b", false)]
    [InlineData("/**", "/", true)]
    [InlineData("/**", "/anything/at/all", true)]
    [InlineData("/", "/", true)]
    [InlineData("/", "/a", false)]
    [InlineData("/Repos", "/repos", false)]
    [InlineData("/user/repos", "/user/repos/", true)]
    [InlineData("/files/my doc", "/files/my%20doc", true)]
    [InlineData("/caf\u00e9/*", "/caf%C3%A9/x", true)]
    [InlineData("/v1/values:batchGet", "/v1/values%3AbatchGet", true)]
    public void Patterns_match_canonical_paths_segment_by_segment(string pattern, string path, bool matches)
    {
        var (parsed, error) = PathPattern.Parse(pattern);

        Assert.True(parsed is not null, error);
        Assert.Equal(matches, parsed.Matches(path));
    }

    [Theory]
    [InlineData("repos")]
    [InlineData("")]
    [InlineData("/repos//x")]
    [InlineData("/repos/")]
    [InlineData("/repos/../x")]
    [InlineData("/repos/./x")]
    [InlineData("/repos/a*")]
    [InlineData("/repos/***")]
    [InlineData("/repos/%2F")]
    [InlineData("/repos\\x")]
    [InlineData("/repos;x")]
    [InlineData("/repos?x")]
    [InlineData("/repos/a\u0000")]
    public void Malformed_patterns_are_refused_with_a_reason(string pattern)
    {
        var (parsed, error) = PathPattern.Parse(pattern);

        Assert.Null(parsed);
        Assert.False(string.IsNullOrEmpty(error));
    }
}

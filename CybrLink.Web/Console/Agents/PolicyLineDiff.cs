using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace CybrLink.Web.Console.Agents;

/// <summary>One line of a diff: '+' added, '-' removed, ' ' the same in both.</summary>
public sealed record DiffLine(char Mark, string Text)
{
    public bool Added => Mark == '+';
    public bool Removed => Mark == '-';
}

/// <summary>A line diff of two pretty-printed policies (DiffPlex), with whitespace counted: indentation is structure here.</summary>
public static class PolicyLineDiff
{
    public static IReadOnlyList<DiffLine> Lines(string oldText, string newText) =>
    [
        .. InlineDiffBuilder.Diff(oldText, newText, ignoreWhiteSpace: false).Lines
            .Where(l => l.Type != ChangeType.Imaginary)
            .Select(l => new DiffLine(l.Type switch { ChangeType.Inserted => '+', ChangeType.Deleted => '-', _ => ' ' }, l.Text)),
    ];
}

namespace CybrLink.Core.Validation;

/// <summary>Rules for text that people and other systems will read back: ids, emails, names.</summary>
public static class TextRules
{
    /// <summary>
    /// True when the text has a character that can hide or rewrite what a reader sees: control characters (NUL, line
    /// breaks, escapes), bidirectional overrides and isolates, and zero-width characters.
    /// </summary>
    // Note: such characters let "admin‮gpj.exe" read as something else in the console, split log lines, or make two
    // ids that look identical differ; they are refused at the edge rather than escaped everywhere they appear.
    public static bool HasInvisibleOrControl(string value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c)
                || c is >= '\u200B' and <= '\u200F'
                || c is >= '\u202A' and <= '\u202E'
                || c is >= '\u2060' and <= '\u2069'
                || c == '\uFEFF')
            {
                return true;
            }
        }

        return false;
    }
}

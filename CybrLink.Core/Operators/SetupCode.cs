using System.Security.Cryptography;
using System.Text;
using CybrLink.Core.Security;

namespace CybrLink.Core.Operators;

/// <summary>
/// The one-time code that lets the first operator be created. Only its hash is kept, in memory: a restart
/// issues a new code, and the code is gone once an operator exists.
/// </summary>
public sealed class SetupCode
{
    // Unambiguous characters only: the code is read from a log and typed by a person.
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private readonly Lock _gate = new();
    private string? _hash;

    /// <summary>Issues a new code (replacing any earlier one) and returns it, to be shown once.</summary>
    public string Issue()
    {
        var chars = RandomNumberGenerator.GetString(Alphabet, 12);
        var code = $"{chars[..4]}-{chars[4..8]}-{chars[8..]}";
        lock (_gate)
        {
            _hash = SecretTokens.Hash(code);
        }

        return code;
    }

    public bool IsIssued
    {
        get { lock (_gate) { return _hash is not null; } }
    }

    /// <summary>Checks a typed code (case and spaces forgiven). Wrong tries never void it.</summary>
    public bool Verify(string? typed)
    {
        var normalized = Normalize(typed);
        lock (_gate)
        {
            if (_hash is null)
            {
                return false;
            }

            // Note: wrong tries do not void the code: a stranger's guesses would otherwise lock the installer out of a
            // fresh install. Guessing is slowed by the setup rate limit per client address instead; 32^12 codes at a
            // few tries a minute per address cannot be found while the code lives (one process run).
            return SecretTokens.HashesEqual(_hash, SecretTokens.Hash(normalized));
        }
    }

    /// <summary>Forgets the code (the first operator exists).</summary>
    public void Revoke()
    {
        lock (_gate)
        {
            _hash = null;
        }
    }

    private static string Normalize(string? typed)
    {
        var letters = new StringBuilder();
        foreach (var c in (typed ?? "").ToUpperInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                letters.Append(c);
            }
        }

        var s = letters.ToString();
        return s.Length == 12 ? $"{s[..4]}-{s[4..8]}-{s[8..]}" : s;
    }
}

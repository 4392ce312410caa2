using System.Security.Cryptography;

namespace CybrLink.Core.Operators;

public static class OperatorPasswords
{
    // Lower-case letters and digits without look-alikes (no l, 1, o, 0): read off a screen and typed by a person.
    private const string Alphabet = "abcdefghijkmnpqrstuvwxyz23456789";

    /// <summary>
    /// A password for an operator to use once and then change: four groups of five random characters (100 bits),
    /// e.g. <c>k7m2p-x9qrt-aw4hz-3ncv8</c>.
    /// </summary>
    public static string Generate()
    {
        var chars = RandomNumberGenerator.GetString(Alphabet, 20);
        return string.Join('-', chars.Chunk(5).Select(c => new string(c)));
    }
}

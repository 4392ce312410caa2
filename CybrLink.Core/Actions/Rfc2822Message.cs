using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace CybrLink.Core.Actions;

/// <summary>
/// The <c>rfc2822_message</c> manifest feature: a plain-text e-mail built from inputs (<c>to</c>, optional <c>cc</c>,
/// <c>subject</c>, <c>text</c> name the inputs), base64url-encoded into one body field (Gmail's <c>raw</c>).
/// </summary>
internal sealed class Rfc2822Message(string bodyField, string to, string? cc, string subject, string text)
{
    public string Field => bodyField;

    public IEnumerable<string> Inputs => new[] { to, cc, subject, text }.OfType<string>();

    /// <summary>Header inputs with a line break, which would let an input add headers of its own (a hidden Bcc).</summary>
    public IEnumerable<ActionInputError> Check(JsonElement input)
    {
        foreach (var name in new[] { to, cc, subject }.OfType<string>())
        {
            if (input.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                && value.GetString()!.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                // Note: refused rather than stripped: a header value with CR/LF is an injection attempt or a mistake,
                // and either way the agent should hear about it instead of mail going somewhere it did not ask for.
                yield return new ActionInputError($"/{JsonPointers.Escape(name)}", "must not contain line breaks");
            }
        }
    }

    /// <summary>The base64url (no padding) encoding of the message.</summary>
    public string Encode(JsonElement input)
    {
        var message = new StringBuilder();
        message.Append("To: ").Append(Text(input, to)).Append("\r\n");
        if (cc is not null && input.TryGetProperty(cc, out _))
        {
            message.Append("Cc: ").Append(Text(input, cc)).Append("\r\n");
        }

        message.Append("Subject: ").Append(EncodeHeader(Text(input, subject))).Append("\r\n");
        message.Append("MIME-Version: 1.0\r\n");
        message.Append("Content-Type: text/plain; charset=\"UTF-8\"\r\n");
        // base64 keeps any body intact: long lines, a lone "." line, non-ASCII text.
        message.Append("Content-Transfer-Encoding: base64\r\n\r\n");
        var body = Convert.ToBase64String(Encoding.UTF8.GetBytes(Text(input, text)));
        for (var i = 0; i < body.Length; i += 76)
        {
            message.Append(body.AsSpan(i, Math.Min(76, body.Length - i))).Append("\r\n");
        }

        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(message.ToString()));
    }

    private static string Text(JsonElement input, string name) =>
        input.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    // RFC 2047: non-ASCII header text as UTF-8 "B" encoded words of at most 75 characters, folded onto new lines.
    private static string EncodeHeader(string value)
    {
        if (value.All(c => c is >= ' ' and <= '~'))
        {
            return value;
        }

        var words = new List<string>();
        var chunk = new StringBuilder();
        foreach (var rune in value.EnumerateRunes())
        {
            if (Encoding.UTF8.GetByteCount(chunk.ToString()) + rune.Utf8SequenceLength > 45)
            {
                words.Add(Word(chunk.ToString()));
                chunk.Clear();
            }

            chunk.Append(rune.ToString());
        }

        words.Add(Word(chunk.ToString()));
        return string.Join("\r\n ", words);

        static string Word(string part) => $"=?UTF-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(part))}?=";
    }
}

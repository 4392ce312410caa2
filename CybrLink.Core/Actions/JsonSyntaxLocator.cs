using System.Text;
using System.Text.Json;

namespace CybrLink.Core.Actions;

/// <summary>Where in a JSON document a syntax error happened, as the JSON pointer of the last member or item read.</summary>
internal static class JsonSyntaxLocator
{
    public static string PointerAtError(string json)
    {
        // Each frame: an object (its current member name) or an array (its current index, -1 before the first item).
        var frames = new List<(bool IsArray, string Name, int Index)>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        frames[^1] = (false, reader.GetString()!, 0);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    default:
                        if (frames.Count > 0 && frames[^1].IsArray)
                        {
                            frames[^1] = (true, "", frames[^1].Index + 1);
                        }

                        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                        {
                            frames.Add((reader.TokenType == JsonTokenType.StartArray, "", -1));
                        }

                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Expected: this runs only on a document that failed to parse.
        }

        return string.Concat(frames
            .Where(f => f.IsArray ? f.Index >= 0 : f.Name.Length > 0)
            .Select(f => "/" + (f.IsArray ? f.Index.ToString(System.Globalization.CultureInfo.InvariantCulture) : JsonPointers.Escape(f.Name))));
    }
}

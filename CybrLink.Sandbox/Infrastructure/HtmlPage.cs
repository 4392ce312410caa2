using System.Text;
using System.Text.Encodings.Web;

namespace CybrLink.Sandbox.Infrastructure;

/// <summary>Small, accessible HTML pages (consent, callback, errors). Every dynamic value is HTML-encoded.</summary>
internal static class HtmlPage
{
    public static string Encode(string? text) => HtmlEncoder.Default.Encode(text ?? "");

    public static IResult Render(string title, string bodyHtml, int statusCode = 200, string? script = null)
    {
        var html = new StringBuilder()
            .Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(Encode(title)).Append("</title>")
            .Append("<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#111}")
            .Append("button{font:inherit;padding:.5rem 1.25rem;margin-right:.5rem;border-radius:.375rem;border:1px solid #555;cursor:pointer}")
            .Append("button.primary{background:#1d4ed8;color:#fff;border-color:#1d4ed8}code{background:#eee;padding:0 .25rem}</style>")
            .Append("</head><body><main>").Append(bodyHtml).Append("</main>");
        if (script is not null)
            html.Append("<script>").Append(script).Append("</script>");
        html.Append("</body></html>");
        return TypedResults.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, statusCode);
    }

    public static IResult Error(string title, string message, int statusCode = 400) =>
        Render(title, $"<h1>{Encode(title)}</h1><p role=\"alert\">{Encode(message)}</p>", statusCode);
}

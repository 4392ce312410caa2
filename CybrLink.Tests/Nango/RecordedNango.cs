using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace CybrLink.Tests.Nango;

/// <summary>
/// The edge we do not own, as recorded in NANGO.md: answers each call with a canned Nango response and keeps
/// what CybrLink sent. (The same client also runs against the sandbox over HTTP in the contract tests.)
/// </summary>
public sealed class RecordedNango : HttpMessageHandler
{
    private readonly ConcurrentQueue<Func<HttpRequestMessage, HttpResponseMessage>> _answers = new();

    public List<SentRequest> Sent { get; } = [];

    public void Answer(HttpStatusCode status, string json) =>
        _answers.Enqueue(_ => new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") });

    public void Answer(Func<HttpRequestMessage, HttpResponseMessage> answer) => _answers.Enqueue(answer);

    public void Fail(Exception exception) => _answers.Enqueue(_ => throw exception);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(ct);
        lock (Sent)
        {
            Sent.Add(new SentRequest(
                request.Method,
                request.RequestUri!,
                request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase),
                request.Content?.Headers.ContentType?.ToString(),
                body));
        }

        if (!_answers.TryDequeue(out var answer))
        {
            throw new InvalidOperationException($"No recorded answer for {request.Method} {request.RequestUri}");
        }

        return answer(request);
    }
}

public sealed record SentRequest(
    HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? ContentType, string? Body)
{
    public string PathAndQuery => Uri.PathAndQuery;
}

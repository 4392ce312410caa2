namespace CybrLink.Sandbox;

/// <summary>One webhook attempt the sandbox made: the HTTP status, or the network failure when there was no answer.</summary>
public sealed record WebhookDelivery(string Url, string Body, int Attempt, int? Status, string? Error, DateTimeOffset At);

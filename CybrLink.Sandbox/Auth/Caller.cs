using CybrLink.Sandbox.Store;

namespace CybrLink.Sandbox.Auth;

/// <summary>Who called: the environment's secret key (Session null) or a browser holding a connect session token.</summary>
internal sealed record Caller(ConnectSession? Session)
{
    private const string ItemKey = "CybrLink.Sandbox.Caller";

    public static readonly Caller SecretKey = new((ConnectSession?)null);

    public bool Allows(string integrationKey) => Session?.Allows(integrationKey) ?? true;

    public static Caller From(HttpContext context) =>
        context.Items[ItemKey] as Caller ?? throw new InvalidOperationException("Endpoint has no authentication filter.");

    public void Attach(HttpContext context) => context.Items[ItemKey] = this;
}

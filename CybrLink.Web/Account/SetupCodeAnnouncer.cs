using CybrLink.Core.Operators;

namespace CybrLink.Web.Account;

/// <summary>When no operator exists, issues the one-time setup code and writes it to the log, once per start.</summary>
public static partial class SetupCodeAnnouncer
{
    public static async Task AnnounceSetupCodeIfNeededAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var operators = scope.ServiceProvider.GetRequiredService<OperatorService>();
        if (await operators.AnyAsync(ct))
        {
            return;
        }

        var code = scope.ServiceProvider.GetRequiredService<SetupCode>().Issue();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("CybrLink.Setup");
        // Note: the one secret CybrLink logs on purpose: the person installing it reads it here. It is single use,
        // dies with the process, and is stored only as a hash.
        LogSetupCode(logger, code);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No operator exists yet. Open /setup and enter the one-time setup code {SetupCode} to create the first admin.")]
    private static partial void LogSetupCode(ILogger logger, string setupCode);
}

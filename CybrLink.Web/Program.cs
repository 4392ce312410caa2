using CybrLink.Web.Account;
using CybrLink.Web.Cli;
using CybrLink.Web.Infrastructure;
using Microsoft.Extensions.Options;

if (CliCommand.IsCommand(args))
{
    return await CliCommand.RunAsync(args, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);
WebApplication app;
try
{
    builder.AddCybrLinkWeb();
    app = builder.Build();
}
catch (ConfigurationProblemException e)
{
    return await CannotStartAsync([e.Message]);
}

if (StartupErrors.ValidateSettings(app.Services) is { Count: > 0 } problems)
{
    return await CannotStartAsync(problems);
}

try
{
    await app.Services.MigrateDatabaseOnStartAsync();
    await app.Services.AnnounceSetupCodeIfNeededAsync();
    app.UseCybrLinkWeb();
    await app.RunAsync();
}
catch (OptionsValidationException e)
{
    return await CannotStartAsync([.. StartupErrors.Sentences(e)]);
}

return 0;

// Every problem is one line on stderr and the exit code is 1: operators and orchestrators read sentences, not traces.
static async Task<int> CannotStartAsync(IReadOnlyList<string> problems)
{
    foreach (var problem in problems)
    {
        await Console.Error.WriteLineAsync($"CybrLink cannot start: {problem}");
    }

    return 1;
}

public partial class Program;

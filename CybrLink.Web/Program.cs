using CybrLink.Web.Cli;
using CybrLink.Web.Infrastructure;

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
    await Console.Error.WriteLineAsync($"CybrLink cannot start: {e.Message}");
    return 1;
}

if (!StartupErrors.TryValidateSettings(app.Services, out var problem))
{
    await Console.Error.WriteLineAsync($"CybrLink cannot start: {problem}");
    return 1;
}

await app.Services.MigrateDatabaseAsync();
await app.Services.AnnounceSetupCodeIfNeededAsync();
app.UseCybrLinkWeb();
await app.RunAsync();
return 0;

public partial class Program;

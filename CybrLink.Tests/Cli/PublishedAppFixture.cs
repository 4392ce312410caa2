using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CybrLink.Tests.Cli;

/// <summary>
/// CybrLink.Web published once per test class (from the build the tests already made, so no second compile), as the
/// README's Production section tells operators to run it.
/// </summary>
public sealed class PublishedAppFixture : IAsyncLifetime
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("cybrlink-publish-").FullName;

    public async Task InitializeAsync()
    {
        var project = Path.Combine(RepositoryRoot(), "CybrLink.Web", "CybrLink.Web.csproj");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "publish", project, "-c", Configuration, "--no-build", "--no-restore", "-o", Directory, "-nologo" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed: {await stdout}{await stderr}");
        }
    }

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>Starts the published app in its own folder (its content root) on a free loopback port.</summary>
    public Process Start(Dictionary<string, string> env, out Uri baseUrl)
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        baseUrl = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("CybrLink.Web.dll");
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        // `Urls`, not ASPNETCORE_URLS: the published appsettings.json sets Urls, which outranks the ASPNETCORE_ variables.
        start.Environment["Urls"] = baseUrl.ToString();
        start.Environment["ConnectionStrings__CybrLink"] = $"Data Source={Path.Combine(Directory, "App_Data", $"{Guid.NewGuid():N}.db")}";
        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }

        return Process.Start(start)!;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CybrLink.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("CybrLink.sln not found above the test assembly.");
    }
}

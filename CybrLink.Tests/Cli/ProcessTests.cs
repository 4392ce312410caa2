using System.Diagnostics;

namespace CybrLink.Tests.Cli;

/// <summary>The built executable as an operator runs it: exit codes and what reaches stdout and stderr.</summary>
public sealed class ProcessTests : IDisposable
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("cybrlink-proc-").FullName;

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    [Fact]
    public async Task Production_without_a_nango_secret_key_exits_non_zero_naming_the_key()
    {
        var (exit, stdout, stderr) = await RunAsync([], new()
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Nango__BaseUrl"] = "http://127.0.0.1:9",
            ["Nango__WebhookSigningKey"] = "whsec",
        });

        Assert.NotEqual(0, exit);
        Assert.Contains("Nango:SecretKey", stderr);
        Assert.DoesNotContain("Nango:BaseUrl", stderr);
        Assert.DoesNotContain("   at ", stderr + stdout); // a sentence, not a stack trace
    }

    [Fact]
    public async Task The_sandbox_is_refused_in_production_with_one_sentence()
    {
        var (exit, stdout, stderr) = await RunAsync([], new()
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Sandbox__Enabled"] = "true",
        });

        Assert.Equal(1, exit);
        Assert.Contains("CybrLink cannot start: Sandbox:Enabled=true is refused in Production", stderr);
        Assert.DoesNotContain("   at ", stderr + stdout);
    }

    [Fact]
    public async Task Production_with_no_settings_names_every_missing_key_one_line_each_and_exits_1()
    {
        var (exit, stdout, stderr) = await RunAsync([], new() { ["ASPNETCORE_ENVIRONMENT"] = "Production" });

        Assert.Equal(1, exit);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.All(lines, line => Assert.StartsWith("CybrLink cannot start: ", line));
        Assert.Contains(lines, l => l.Contains("Nango:BaseUrl is required"));
        Assert.Contains(lines, l => l.Contains("Nango:SecretKey is required"));
        Assert.Contains(lines, l => l.Contains("Nango:WebhookSigningKey is required"));
        Assert.Contains(lines, l => l.Contains("Connect:PublicUrl is required in Production"));
        Assert.DoesNotContain("   at ", stderr + stdout);
    }

    [Fact]
    public async Task A_nango_base_url_that_is_not_a_url_is_one_sentence_and_exit_1()
    {
        var (exit, stdout, stderr) = await RunAsync([], ProductionSettings(("Nango__BaseUrl", "notaurl")));

        Assert.Equal(1, exit);
        Assert.Equal(
            "CybrLink cannot start: Nango:BaseUrl must be an absolute http(s) URL, e.g. http://localhost:3003.",
            stderr.Trim());
        Assert.DoesNotContain("   at ", stdout);
    }

    [Fact]
    public async Task A_bad_branding_colour_is_one_sentence_and_exit_1()
    {
        var (exit, stdout, stderr) = await RunAsync([], ProductionSettings(("Branding__PrimaryColor", "red; background:url(x)")));

        Assert.Equal(1, exit);
        Assert.Equal("CybrLink cannot start: Branding:PrimaryColor must be a colour like #3949ab.", stderr.Trim());
        Assert.DoesNotContain("   at ", stdout);
    }

    [Fact]
    public async Task A_rate_limit_of_zero_or_a_word_is_one_sentence_and_exit_1()
    {
        var (zeroExit, zeroOut, zero) = await RunAsync([], ProductionSettings(("RateLimits__ApiPerKey__PermitLimit", "0")));
        var (wordExit, wordOut, word) = await RunAsync([], ProductionSettings(("RateLimits__ApiPerKey__PermitLimit", "lots")));

        Assert.Equal((1, 1), (zeroExit, wordExit));
        Assert.StartsWith("CybrLink cannot start: Every RateLimits:* limit needs PermitLimit of at least 1", zero.Trim());
        Assert.StartsWith("CybrLink cannot start: A setting has a value of the wrong kind:", word.Trim());
        Assert.Contains("RateLimits:ApiPerKey:PermitLimit", word);
        Assert.DoesNotContain("   at ", zero + zeroOut + word + wordOut);
    }

    [Fact]
    public async Task A_connect_public_url_that_is_not_a_url_is_refused()
    {
        var (exit, _, stderr) = await RunAsync([], ProductionSettings(("Connect__PublicUrl", "cybrlink.example.com")));

        Assert.Equal(1, exit);
        Assert.Equal("CybrLink cannot start: Connect:PublicUrl must be an absolute http(s) URL, e.g. https://cybrlink.example.com.", stderr.Trim());
    }

    [Fact]
    public async Task An_unsupported_database_provider_is_refused_by_the_server_and_the_cli()
    {
        var (exit, _, stderr) = await RunAsync([], ProductionSettings(("Database__Provider", "Oracle")));
        Assert.Equal(1, exit);
        Assert.Equal("CybrLink cannot start: Database:Provider must be 'Sqlite' or 'Postgres'.", stderr.Trim());

        (exit, var stdout, stderr) = await RunAsync(["migrate"], new() { ["Database__Provider"] = "Oracle" });
        Assert.NotEqual(0, exit);
        Assert.Contains("Database:Provider must be 'Sqlite' or 'Postgres'.", stderr);
        Assert.DoesNotContain("   at ", stderr + stdout);
    }

    [Fact]
    public async Task Postgres_without_a_postgres_connection_string_is_refused_with_a_sentence()
    {
        var (exit, stdout, stderr) = await RunAsync(["migrate"], new() { ["Database__Provider"] = "Postgres" });

        Assert.Equal(1, exit);
        Assert.Contains("ConnectionStrings:CybrLink must be a PostgreSQL connection string when Database:Provider is 'Postgres'", stderr);
        Assert.DoesNotContain("   at ", stderr + stdout);
    }

    /// <summary>Everything Production requires, with one setting replaced.</summary>
    internal static Dictionary<string, string> ProductionSettings(params (string Key, string Value)[] overrides)
    {
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Nango__BaseUrl"] = "http://127.0.0.1:9",
            ["Nango__SecretKey"] = "0f8fad5b-d9cb-469f-a165-70867728950e",
            ["Nango__WebhookSigningKey"] = "whsec",
            ["Connect__PublicUrl"] = "https://cybrlink.example.com",
        };
        foreach (var (key, value) in overrides)
        {
            env[key] = value;
        }

        return env;
    }

    [Fact]
    public async Task Create_server_key_writes_one_key_line_to_stdout()
    {
        var (exit, stdout, _) = await RunAsync(["create-server-key", "--name", "ci"], []);

        Assert.Equal(0, exit);
        var line = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches("^cbl_[A-Za-z0-9_-]{43}$", line);
    }

    [Fact]
    public async Task Bad_arguments_exit_2()
    {
        var (exit, stdout, stderr) = await RunAsync(["create-server-key"], []);

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains("needs --name", stderr);
    }

    [Fact]
    public async Task Development_needs_no_nango_settings_and_is_ready_with_the_sandbox()
    {
        // A free loopback port: the sandbox's URL (and so Nango:BaseUrl) derives from the address CybrLink serves on.
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            _port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        using var process = Start([], new() { ["ASPNETCORE_ENVIRONMENT"] = "Development", ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{_port}" });
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}") };
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
            HttpResponseMessage? ready = null;
            while (ready?.StatusCode != System.Net.HttpStatusCode.OK && await timer.WaitForNextTickAsync(deadline.Token))
            {
                if (process.HasExited)
                {
                    Assert.Fail("CybrLink exited: " + await stderr);
                }

                try
                {
                    ready = await http.GetAsync("/health/ready", deadline.Token);
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
            }

            Assert.Contains("\"nango\":{\"status\":\"Healthy\"", await ready!.Content.ReadAsStringAsync());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        Assert.Contains("one-time setup code", await stdout);
    }

    private int _port;

    private async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string[] args, Dictionary<string, string> env)
    {
        using var process = Start(args, env);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private Process Start(string[] args, Dictionary<string, string> env)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "CybrLink.Web.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ConnectionStrings__CybrLink"] = $"Data Source={Path.Combine(_workDir, "cybrlink.db")}";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }

        return Process.Start(start)!;
    }
}

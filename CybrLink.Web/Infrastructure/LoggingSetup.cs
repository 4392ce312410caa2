using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace CybrLink.Web.Infrastructure;

public static class LoggingSetup
{
    /// <summary>The readable console line.</summary>
    public const string TextTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>
    /// Serilog to the console: readable lines, or JSON lines with <c>Logging:Json=true</c>. Sinks registered in DI
    /// (tests capture output that way) are added too.
    /// </summary>
    public static IHostApplicationBuilder AddCybrLinkLogging(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LogOutputOptions>().BindConfiguration(LogOutputOptions.SectionName);
        // Note: the static Log.Logger is left alone, so several hosts in one process (tests) keep their own logs.
        builder.Services.AddSerilog(preserveStaticLogger: true, configureLogger: (services, logger) =>
        {
            logger
                .ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                // Note: these categories log request URLs with query strings and header values; the request log
                // below writes method, path and status only.
                .MinimumLevel.Override("Microsoft.AspNetCore.Hosting.Diagnostics", LogEventLevel.Warning)
                .MinimumLevel.Override("System.Net.Http.HttpClient", LogEventLevel.Warning)
                // Retries and failures surface as NangoUnavailableException, reported once by the caller or monitor.
                .MinimumLevel.Override("Polly", LogEventLevel.Fatal)
                .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Warning)
                // An unhealthy check is answered by /health/ready and, for Nango, logged once by NangoStatusMonitor;
                // the default Error line on every probe would flood the log while Nango is down.
                .MinimumLevel.Override("Microsoft.Extensions.Diagnostics.HealthChecks", LogEventLevel.Fatal)
                .Enrich.FromLogContext()
                // Last, so it also sees what other enrichers added.
                .Enrich.With<LogValueEscaper>();
            if (services.GetRequiredService<Microsoft.Extensions.Options.IOptions<LogOutputOptions>>().Value.Json)
            {
                logger.WriteTo.Console(new RenderedCompactJsonFormatter());
            }
            else
            {
                logger.WriteTo.Console(outputTemplate: TextTemplate);
            }
        });
        return builder;
    }

    // Health probes, including the Nango monitor's calls to a mounted sandbox, would otherwise fill the log.
    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/health") || (path.Value?.EndsWith("/health", StringComparison.Ordinal) ?? false);

    /// <summary>
    /// One line per request: method, path (never the query string), the status the client received, duration. No
    /// headers. Registered before the exception handler, so a domain failure mapped to a 4xx is logged as that 4xx.
    /// </summary>
    public static IApplicationBuilder UseCybrLinkRequestLogging(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(o =>
        {
            o.Logger = app.ApplicationServices.GetRequiredService<Serilog.ILogger>();
            o.MessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms";
            o.GetLevel = (context, _, exception) => LevelOf(context.Request.Path, context.Response.StatusCode, exception);
        });

    /// <summary>
    /// Errors are this server's failures (5xx, or an exception nothing handled). A 4xx is the client's mistake or an
    /// expected refusal: worth a line, not an alert.
    /// </summary>
    public static LogEventLevel LevelOf(PathString path, int status, Exception? exception) =>
        exception is not null ? LogEventLevel.Error
        // Probes answer 503 by design while a dependency is down; that is not an error of this request.
        : IsProbe(path) ? LogEventLevel.Debug
        : status >= 500 ? LogEventLevel.Error
        : LogEventLevel.Information;
}

/// <summary>How log lines are written (section <c>Logging</c>, beside the framework's own log levels).</summary>
public sealed class LogOutputOptions
{
    public const string SectionName = "Logging";

    /// <summary>JSON lines (compact Serilog format) instead of readable lines.</summary>
    public bool Json { get; set; }
}

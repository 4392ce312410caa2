#:project ../CybrLink.Sandbox/CybrLink.Sandbox.csproj
// The sandbox Nango as its own process on its own port, for benchmarks (tests start it in-process instead).
// Usage: dotnet run -c Release bench/SandboxHost.cs -- <port> <secret-key> <webhook-signing-key> [<webhook-url>]
// Prints "ready <base-url> <pid>" once it listens, then serves until it is stopped.
using System.Runtime.InteropServices;
using CybrLink.Sandbox;

var sandbox = await SandboxServer.StartAsync(new SandboxOptions
{
    SecretKey = args[1],
    WebhookSigningKey = args[2],
    WebhookUrl = args.Length > 3 ? args[3] : null,
}, int.Parse(args[0]));
Console.WriteLine($"ready {sandbox.BaseUrl} {Environment.ProcessId}");
var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.TrySetResult();
// The sandbox's own host takes SIGTERM for itself (ProcessExit never fires), so `kill` from the bench scripts is heard here.
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => stop.TrySetResult());
await stop.Task;
await sandbox.DisposeAsync();

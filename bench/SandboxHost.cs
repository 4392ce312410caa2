#:project ../CybrLink.Sandbox/CybrLink.Sandbox.csproj
// The sandbox Nango as its own process on its own port, for benchmarks (tests start it in-process instead).
// Usage: dotnet run -c Release bench/SandboxHost.cs -- <port> <secret-key> <webhook-signing-key> [<webhook-url>]
// Prints "ready <base-url> <pid>" once it listens, then serves until it is stopped.
using CybrLink.Sandbox;

var sandbox = await SandboxServer.StartAsync(new SandboxOptions
{
    SecretKey = args[1],
    WebhookSigningKey = args[2],
    WebhookUrl = args.Length > 3 ? args[3] : null,
}, int.Parse(args[0]));
Console.WriteLine($"ready {sandbox.BaseUrl} {Environment.ProcessId}");
// The sandbox's web host takes SIGTERM/SIGINT for itself (and stops); these registrations end this program too.
var stop = new TaskCompletionSource();
using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM, _ => stop.TrySetResult());
using var interrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGINT, _ => stop.TrySetResult());
await stop.Task;
await sandbox.DisposeAsync();
